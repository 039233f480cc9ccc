package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * Validates a chunked body (RFC 9112 §7.1) as its bytes stream past, without copying them: chunk-size
 * lines (hex digits, then extensions without control characters), the CRLF after each chunk's data, and
 * the trailer section's lines. The bytes themselves are passed on as they came ({@link #passOn}), as
 * are those of a body of known length ({@link #passOnFixed}).
 */
final class ChunkedBody {

    private enum State {
        /** In a chunk-size line. */
        SIZE,
        /** In a chunk's data. */
        DATA,
        /** The CRLF after a chunk's data. */
        DATA_END,
        /** In the trailer section after the last chunk. */
        TRAILER
    }

    private static final int MAX_SIZE_LINE = 4096;

    private final long maxData;
    private final int maxTrailer;
    private State state;
    private long remaining;
    private long data;
    private int lineBytes;
    private int trailerBytes;
    private boolean sawDigit;
    private boolean inExtension;
    private boolean sawCr;
    private boolean trailerColon;
    private boolean ended;

    /**
     * @param maxData    the most data bytes the body may carry (more: 413)
     * @param maxTrailer the most bytes of trailer section
     */
    ChunkedBody(long maxData, int maxTrailer) {
        this.maxData = maxData;
        this.maxTrailer = maxTrailer;
        start();
    }

    /** Begins a new body. */
    void start() {
        state = State.SIZE;
        data = 0;
        ended = false;
        startLine();
    }

    /** The body ended at the index {@link #scan} returned. */
    boolean ended() {
        return ended;
    }

    private void startLine() {
        lineBytes = 0;
        sawDigit = false;
        inExtension = false;
        sawCr = false;
        trailerColon = false;
        remaining = 0;
    }

    /**
     * Validates what is readable in {@code in} and passes it on as one slice, then
     * {@link RequestDecoder#END} if the body ended there; returns whether it ended.
     */
    boolean passOn(ByteBuf in, List<Object> out) throws Malformed {
        int start = in.readerIndex();
        int stop = scan(in, start, in.writerIndex());
        if (stop > start) {
            out.add(in.readRetainedSlice(stop - start));
        }
        if (ended) {
            out.add(RequestDecoder.END);
        }
        return ended;
    }

    /**
     * Passes on up to {@code remaining} readable bytes of a body of known length as one slice, then
     * {@link RequestDecoder#END} once none remain; returns how many remain.
     */
    static long passOnFixed(ByteBuf in, long remaining, List<Object> out) {
        int n = (int) Math.min(remaining, in.readableBytes());
        out.add(in.readRetainedSlice(n));
        if (remaining == n) {
            out.add(RequestDecoder.END);
        }
        return remaining - n;
    }

    /** Validates {@code [from, to)} of {@code in}; returns where it stopped: {@code to}, or just after the body's end. */
    int scan(ByteBuf in, int from, int to) throws Malformed {
        int i = from;
        while (i < to && !ended) {
            switch (state) {
                case DATA -> {
                    int n = (int) Math.min(remaining, to - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_END;
                        sawCr = false;
                    }
                }
                case DATA_END -> {
                    byte b = in.getByte(i++);
                    if (!sawCr && b == '\r') {
                        sawCr = true;
                    } else if (sawCr && b == '\n') {
                        state = State.SIZE;
                        startLine();
                    } else {
                        throw Malformed.badRequest("malformed chunked body");
                    }
                }
                case SIZE -> sizeByte(in.getByte(i++));
                case TRAILER -> trailerByte(in.getByte(i++));
                default -> throw new IllegalStateException(state.name());
            }
        }
        return i;
    }

    private void sizeByte(byte b) throws Malformed {
        if (++lineBytes > MAX_SIZE_LINE) {
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
                data += remaining;
                state = State.DATA;
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
            if (data + remaining > maxData) {
                throw new Malformed(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body larger than " + maxData
                        + " bytes");
            }
        }
    }

    private void trailerByte(byte b) throws Malformed {
        lineBytes++;
        if (++trailerBytes > maxTrailer) {
            throw Malformed.badRequest("trailer section too large");
        }
        if (sawCr) {
            if (b != '\n') {
                throw Malformed.badRequest("malformed trailer");
            }
            if (lineBytes == 2) {
                ended = true; // the empty line: the message ends here
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
}
