package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The traffic port's request reader. Passes on, in order: a {@link RequestHead} (parsed in place by
 * {@link HeadParser}), the body as it came — {@link ByteBuf} slices of the received bytes, chunk
 * framing included, validated while it streams — and {@link #END} where the body ends. Bad input
 * becomes a {@link Malformed} in place of a message, after which everything the client sends is
 * dropped (the connection is closed once the answer is out).
 */
final class RequestDecoder extends ByteToMessageDecoder {

    /** Marks the end of a request's body (also sent for a request without one). */
    static final Object END = new Object() {
        @Override
        public String toString() {
            return "END";
        }
    };

    /** Where the reader is in the message. */
    private enum State {
        /** Before a head, or inside one that is not complete yet. */
        HEAD,
        /** In a body of known length. */
        FIXED,
        /** In a chunked body ({@link ChunkedBody}). */
        CHUNKED,
        /** After bad input: everything is dropped. */
        DISCARD
    }

    private final int maxLine;
    private final int maxHeader;
    private final long maxBody;
    private State state = State.HEAD;
    private long remaining;
    private final ChunkedBody chunks;
    private final HeadScanner scanner;
    /** The last head made here: filled again for the next one once its taker has released it. */
    private RequestHead last;

    RequestDecoder(ProxyConfig config) {
        this.maxLine = config.maxInitialLineBytes();
        this.maxHeader = config.maxHeaderBytes();
        this.maxBody = config.maxBodyBytes();
        this.chunks = new ChunkedBody(maxBody, maxHeader);
        this.scanner = new HeadScanner(maxLine, maxHeader);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            while (in.isReadable()) {
                switch (state) {
                    case HEAD -> {
                        if (!head(in, out)) {
                            return;
                        }
                    }
                    case FIXED -> {
                        remaining = ChunkedBody.passOnFixed(in, remaining, out);
                        if (remaining == 0) {
                            state = State.HEAD;
                        }
                    }
                    case DISCARD -> in.skipBytes(in.readableBytes());
                    case CHUNKED -> {
                        if (chunks.passOn(in, out)) {
                            state = State.HEAD;
                        }
                    }
                }
            }
        } catch (Malformed m) {
            state = State.DISCARD;
            in.skipBytes(in.readableBytes());
            out.add(m);
        }
    }

    private boolean head(ByteBuf in, List<Object> out) throws Malformed {
        // Empty lines before a request line are ignored (RFC 9112 §2.2).
        while (in.readableBytes() >= 2 && in.getByte(in.readerIndex()) == '\r'
                && in.getByte(in.readerIndex() + 1) == '\n') {
            in.skipBytes(2);
            scanner.reset(); // its offsets are from the reader index, which moved
        }
        int length = scanner.length(in);
        if (length < 0) {
            return false;
        }
        ByteBuf bytes = in.readRetainedSlice(length);
        RequestHead head;
        try {
            head = HeadParser.parse(bytes, maxLine, maxHeader, MessageHead.reusable(last));
            last = head;
        } catch (Malformed m) {
            bytes.release();
            throw m;
        }
        out.add(head);
        if (head.transferEncodingCount > 0 && !head.chunked) {
            state = State.DISCARD; // refused by RequestChecks (501): its body cannot be framed
        } else if (head.chunked) {
            state = State.CHUNKED;
            chunks.start();
        } else if (head.contentLength > maxBody) {
            state = State.DISCARD; // refused with 413: the body is not read
        } else if (head.contentLength > 0) {
            state = State.FIXED;
            remaining = head.contentLength;
        } else {
            out.add(END);
        }
        return true;
    }
}
