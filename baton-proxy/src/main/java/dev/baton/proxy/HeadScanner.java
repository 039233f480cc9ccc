package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Finds where a message head ends in the bytes received so far. Remembers how far it looked (as
 * offsets from the reader index, which does not move while a head is incomplete), so a head that
 * arrives a byte at a time is still scanned once; enforces the start-line and header-section limits
 * before the whole head has arrived.
 */
final class HeadScanner {

    private final int maxLine;
    private final int maxHeader;
    private int scanned;
    private int headerStart = -1;
    private int lineStart;

    HeadScanner(int maxLine, int maxHeader) {
        this.maxLine = maxLine;
        this.maxHeader = maxHeader;
    }

    /** Forgets the bytes looked at: the reader index moved. */
    void reset() {
        scanned = 0;
        headerStart = -1;
        lineStart = 0;
    }

    /** The length of the head at the reader index (through its empty line), or -1 when more bytes are needed. */
    int length(ByteBuf in) throws Malformed {
        int base = in.readerIndex();
        int to = in.readableBytes();
        for (int i = scanned; i < to; i++) {
            // indexOf looks at eight bytes per step where a getByte loop looks at one
            int nl = in.indexOf(base + i, base + to, (byte) '\n');
            if (nl < 0) {
                break;
            }
            i = nl - base;
            if (headerStart < 0) {
                if (i - 1 > maxLine) {
                    throw new Malformed(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
                }
                headerStart = i + 1;
            } else if (i - lineStart <= 1) {
                reset();
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
}
