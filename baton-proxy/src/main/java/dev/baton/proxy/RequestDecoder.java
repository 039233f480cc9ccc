package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
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
        /** In a chunk-size line (digits, then extensions). */
        CHUNK_SIZE,
        /** In a chunk's data. */
        CHUNK_DATA,
        /** The CRLF after a chunk's data. */
        CHUNK_DATA_END,
        /** In the trailer section after the last chunk. */
        TRAILER,
        /** After bad input: everything is dropped. */
        DISCARD
    }

    private static final int MAX_CHUNK_LINE = 4096;

    private final int maxLine;
    private final int maxHeader;
    private final long maxBody;
    private State state = State.HEAD;
    /** While a head is incomplete: bytes looked at, where its header lines and its last line start. */
    private int scanned;
    private int headerStart = -1;
    private int lineStart;
    private long remaining;
    private long bodyData;
    /** Within a CHUNK_SIZE or TRAILER line: bytes of it seen so far, and parse flags. */
    private int lineBytes;
    private boolean sawDigit;
    private boolean inExtension;
    private boolean sawCr;
    private boolean trailerColon;
    private int trailerBytes;

    RequestDecoder(ProxyConfig config) {
        this.maxLine = config.maxInitialLineBytes();
        this.maxHeader = config.maxHeaderBytes();
        this.maxBody = config.maxBodyBytes();
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
                        int n = (int) Math.min(remaining, in.readableBytes());
                        out.add(in.readRetainedSlice(n));
                        remaining -= n;
                        if (remaining == 0) {
                            out.add(END);
                            state = State.HEAD;
                        }
                    }
                    case DISCARD -> in.skipBytes(in.readableBytes());
                    default -> chunked(in, out);
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
            scanned = 0; // offsets are from the reader index, which moved
            headerStart = -1;
            lineStart = 0;
        }
        int length = headLength(in);
        if (length < 0) {
            return false;
        }
        scanned = 0;
        headerStart = -1;
        lineStart = 0;
        ByteBuf bytes = in.readRetainedSlice(length);
        RequestHead head;
        try {
            head = HeadParser.parse(bytes, maxLine, maxHeader);
        } catch (Malformed m) {
            bytes.release();
            throw m;
        }
        out.add(head);
        if (head.transferEncodingCount > 0 && !head.chunked) {
            state = State.DISCARD; // refused by RequestChecks (501): its body cannot be framed
        } else if (head.chunked) {
            state = State.CHUNK_SIZE;
            bodyData = 0;
            startLine();
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

    /**
     * The length of the head at the reader index (through its empty line), or -1 when more bytes are
     * needed. Remembers how far it looked (offsets from the reader index, which does not move while a
     * head is incomplete), so a head that arrives a byte at a time is still scanned once.
     */
    private int headLength(ByteBuf in) throws Malformed {
        int base = in.readerIndex();
        int to = in.readableBytes();
        for (int i = scanned; i < to; i++) {
            if (in.getByte(base + i) != '\n') {
                continue;
            }
            if (headerStart < 0) {
                if (i - 1 > maxLine) {
                    throw new Malformed(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
                }
                headerStart = i + 1;
            } else if (i - lineStart <= 1) {
                return i + 1; // the empty line (a bare LF is refused by the parser)
            }
            lineStart = i + 1;
        }
        scanned = to;
        if (headerStart < 0 && to > maxLine + 2) {
            throw new Malformed(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
        }
        if (headerStart >= 0 && to - headerStart > maxHeader + 2) {
            throw new Malformed(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "header section too large");
        }
        return -1;
    }

    private void startLine() {
        lineBytes = 0;
        sawDigit = false;
        inExtension = false;
        sawCr = false;
        trailerColon = false;
        remaining = 0;
    }

    /** Validates chunk framing over what is readable and passes it on as one slice. */
    private void chunked(ByteBuf in, List<Object> out) throws Malformed {
        int start = in.readerIndex();
        int i = start;
        int end = in.writerIndex();
        boolean ended = false;
        while (i < end && !ended) {
            switch (state) {
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_DATA_END;
                        sawCr = false;
                    }
                }
                case CHUNK_DATA_END -> {
                    byte b = in.getByte(i++);
                    if (!sawCr && b == '\r') {
                        sawCr = true;
                    } else if (sawCr && b == '\n') {
                        state = State.CHUNK_SIZE;
                        startLine();
                    } else {
                        throw Malformed.badRequest("malformed chunked body");
                    }
                }
                case CHUNK_SIZE -> {
                    byte b = in.getByte(i++);
                    if (++lineBytes > MAX_CHUNK_LINE) {
                        throw Malformed.badRequest("chunk-size line too long");
                    }
                    if (sawCr) {
                        if (b != '\n' || !sawDigit) {
                            throw Malformed.badRequest("malformed chunked body");
                        }
                        if (remaining == 0) {
                            state = State.TRAILER;
                            startLine();
                            trailerBytes = 0;
                        } else {
                            bodyData += remaining;
                            state = State.CHUNK_DATA;
                        }
                    } else if (b == '\r') {
                        sawCr = true;
                    } else if (inExtension) {
                        if ((b & 0xff) < 0x20 && b != '\t' || b == 0x7f) {
                            throw Malformed.badRequest("malformed chunk extension");
                        }
                    } else if (b == ';' && sawDigit) {
                        inExtension = true;
                    } else {
                        int d = Character.digit(b, 16);
                        if (d < 0) {
                            throw Malformed.badRequest("malformed chunk size");
                        }
                        sawDigit = true;
                        remaining = remaining * 16 + d;
                        if (bodyData + remaining > maxBody) {
                            throw new Malformed(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                                    "body larger than " + maxBody + " bytes");
                        }
                    }
                }
                case TRAILER -> {
                    byte b = in.getByte(i++);
                    lineBytes++;
                    if (++trailerBytes > maxHeader) {
                        throw Malformed.badRequest("trailer section too large");
                    }
                    if (sawCr) {
                        if (b != '\n') {
                            throw Malformed.badRequest("malformed trailer");
                        }
                        if (lineBytes == 2) {
                            ended = true; // the empty line: the message ends here
                            state = State.HEAD;
                        } else if (!trailerColon) {
                            throw Malformed.badRequest("malformed trailer");
                        } else {
                            startLine();
                        }
                    } else if (b == '\r') {
                        sawCr = true;
                    } else if (trailerColon) {
                        if ((b & 0xff) < 0x20 && b != '\t' || b == 0x7f) {
                            throw Malformed.badRequest("control character in a trailer");
                        }
                    } else if (b == ':' && lineBytes > 1) {
                        trailerColon = true;
                    } else if (!HeadParser.tchar(b)) {
                        throw Malformed.badRequest("malformed trailer");
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        if (i > start) {
            out.add(in.readRetainedSlice(i - start));
        }
        if (ended) {
            out.add(END);
        }
    }
}
