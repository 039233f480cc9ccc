package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * A backend connection's response reader. Passes on, in order: a {@link ResponseHead} (parsed in
 * place), the body as it came — {@link ByteBuf} slices, chunk framing included and validated — and
 * {@link RequestDecoder#END} where the body ends (for a body delimited by the connection closing:
 * when it closes). After a {@code 101} everything is passed on as raw bytes. Bad input becomes a
 * {@link Malformed}, after which everything is dropped. Told whether the request in flight is HEAD,
 * whose response has no body whatever its headers say.
 */
final class ResponseDecoder extends ByteToMessageDecoder {

    private static final int MAX_LINE = 4096;
    private static final int MAX_HEADER = 64 * 1024;

    /** Where the reader is in the message. */
    private enum State {
        HEAD,
        /** In a body of known length. */
        FIXED,
        /** In a chunked body ({@link ChunkedBody}). */
        CHUNKED,
        /** In a body that ends when the connection closes. */
        UNTIL_CLOSE,
        /** After a 101: another protocol, passed on as it comes. */
        UPGRADED,
        /** After bad input. */
        DISCARD
    }

    private final HeadScanner scanner = new HeadScanner(MAX_LINE, MAX_HEADER);
    private final ChunkedBody chunks = new ChunkedBody(Long.MAX_VALUE, MAX_HEADER);
    private State state = State.HEAD;
    /** The last head made here: filled again for the next one once its taker has released it. */
    private ResponseHead last;
    private long remaining;
    private boolean headRequest;

    /** The request about to be sent on this connection is HEAD (or not). */
    void headRequest(boolean head) {
        headRequest = head;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            while (in.isReadable()) {
                switch (state) {
                    case HEAD -> {
                        int length = scanner.length(in);
                        if (length < 0) {
                            return;
                        }
                        head(in.readRetainedSlice(length), out);
                        if (state == State.UPGRADED) {
                            // What follows is another protocol: it stays here until the connection's pipeline
                            // is switched to a relay, which then gets it.
                            return;
                        }
                    }
                    case FIXED -> {
                        remaining = ChunkedBody.passOnFixed(in, remaining, out);
                        if (remaining == 0) {
                            state = State.HEAD;
                        }
                    }
                    case CHUNKED -> {
                        if (chunks.passOn(in, out)) {
                            state = State.HEAD;
                        }
                    }
                    case UNTIL_CLOSE, UPGRADED -> out.add(in.readRetainedSlice(in.readableBytes()));
                    case DISCARD -> in.skipBytes(in.readableBytes());
                    default -> throw new IllegalStateException(state.name());
                }
            }
        } catch (Malformed m) {
            state = State.DISCARD;
            in.skipBytes(in.readableBytes());
            out.add(m);
        }
    }

    private void head(ByteBuf bytes, List<Object> out) throws Malformed {
        ResponseHead head;
        try {
            head = HeadParser.parseResponse(bytes, MessageHead.reusable(last));
            last = head;
        } catch (Malformed m) {
            bytes.release();
            throw m;
        }
        out.add(head);
        if (head.status == 101) {
            state = State.UPGRADED;
            out.add(RequestDecoder.END);
        } else if (head.bodiless(headRequest)) {
            if (head.status >= 200) {
                out.add(RequestDecoder.END);
            } // an interim response: the final one follows
        } else if (head.chunked) {
            state = State.CHUNKED;
            chunks.start();
        } else if (head.contentLength == 0) {
            out.add(RequestDecoder.END);
        } else if (head.contentLength > 0) {
            state = State.FIXED;
            remaining = head.contentLength;
        } else {
            state = State.UNTIL_CLOSE;
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (state == State.UNTIL_CLOSE) {
            state = State.DISCARD;
            out.add(RequestDecoder.END); // the connection closed: that was the end of the body
        }
    }
}
