package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * A response head as a backend sent it, parsed in place by {@link HeadParser#parseResponse}: the
 * status, the spans of the header lines ({@link MessageHead}) and what framing needs.
 */
final class ResponseHead extends MessageHead {

    final int status;
    final int minorVersion;
    /** Where the status code starts (after {@code HTTP/1.x }) and where the status line's CRLF ends. */
    final int statusStart;
    final int statusLineEnd;
    /** Content-Length, or -1 when none (or when Transfer-Encoding overrides it). */
    final long contentLength;
    /** Transfer-Encoding is present and its last coding is chunked. */
    final boolean chunked;
    /** Transfer-Encoding is present and does not end with chunked: the body runs until the connection closes. */
    final boolean otherCoding;
    /** The backend will close the connection after this response. */
    final boolean close;
    /** Names listed in {@code Connection} other than close, keep-alive or upgrade (lower case). */
    final List<String> connectionNames;
    /** Some line needs more than a copy (hop-by-hop, Via, a Content-Length that chunked overrides). */
    final boolean anySpecial;

    ResponseHead(ByteBuf bytes, int[] lines, int lineCount, int status, int minorVersion, int statusStart,
                 int statusLineEnd, long contentLength, boolean chunked, boolean otherCoding, boolean close,
                 List<String> connectionNames, boolean anySpecial) {
        super(bytes, lines, lineCount);
        this.status = status;
        this.minorVersion = minorVersion;
        this.statusStart = statusStart;
        this.statusLineEnd = statusLineEnd;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.otherCoding = otherCoding;
        this.close = close;
        this.connectionNames = connectionNames;
        this.anySpecial = anySpecial;
    }

    /** A response with no body whatever its headers say (RFC 9112 §6.3): 1xx, 204, 304, or to a HEAD request. */
    boolean bodiless(boolean headRequest) {
        return headRequest || status < 200 || status == 204 || status == 304;
    }
}
