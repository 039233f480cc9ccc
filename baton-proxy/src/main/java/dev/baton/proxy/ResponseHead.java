package dev.baton.proxy;

import java.util.List;

/**
 * A response head as a backend sent it, parsed in place by {@link HeadParser#parseResponse}: the
 * status, the spans of the header lines ({@link MessageHead}) and what framing needs. Filled by the
 * parser, read-only for everyone else.
 */
final class ResponseHead extends MessageHead {

    int status;
    int minorVersion;
    /** Where the status code starts (after {@code HTTP/1.x }) and where the status line's CRLF ends. */
    int statusStart;
    int statusLineEnd;
    /** Content-Length, or -1 when none (or when Transfer-Encoding overrides it). */
    long contentLength;
    /** Transfer-Encoding is present and its last coding is chunked. */
    boolean chunked;
    /** Transfer-Encoding is present and does not end with chunked: the body runs until the connection closes. */
    boolean otherCoding;
    /** The backend will close the connection after this response. */
    boolean close;
    /** Names listed in {@code Connection} other than close, keep-alive or upgrade (lower case). */
    List<String> connectionNames;
    /** Some line needs more than a copy (hop-by-hop, Via, a Content-Length that chunked overrides). */
    boolean anySpecial;

    /** A response with no body whatever its headers say (RFC 9112 §6.3): 1xx, 204, 304, or to a HEAD request. */
    boolean bodiless(boolean headRequest) {
        return headRequest || status < 200 || status == 204 || status == 304;
    }
}
