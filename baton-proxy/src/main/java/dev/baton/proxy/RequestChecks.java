package dev.baton.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What a strict edge proxy refuses in a request head that the codec accepted (RFC 9110, RFC 9112).
 * A pure function of the head: {@link #check} returns {@code null} for a request that may be
 * forwarded, or the {@link Rejection} to answer with. {@link HeadParser} itself already refuses
 * malformed lines, conflicting lengths and CL+TE; these are the checks of a well-formed head.
 */
final class RequestChecks {

    /** Why a request is answered by the proxy instead of forwarded. */
    record Rejection(HttpResponseStatus status, String reason) {
    }

    private RequestChecks() {
    }

    static Rejection check(RequestHead req) {
        if (req.majorVersion != 1) {
            return new Rejection(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "only HTTP/1.x is accepted here, got HTTP/" + req.majorVersion + "." + req.minorVersion);
        }
        if (req.method == RequestHead.Method.CONNECT) {
            return new Rejection(HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not supported");
        }
        if (req.hostCount > 1) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "more than one Host header");
        }
        if (req.hostCount == 0 && req.minorVersion >= 1) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "an HTTP/1.1 request needs a Host header");
        }
        if (req.hostCount == 1 && !validHost(new AsciiView(req.bytes(), req.valueStart(req.hostLine),
                req.valueEnd(req.hostLine)))) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid Host header");
        }
        for (int i = 0; i < req.connectionNames.size(); i++) {
            String name = req.connectionNames.get(i);
            if (name.equals("content-length") || name.equals("transfer-encoding") || name.equals("host")) {
                // A proxy that removed the named header would change where the message ends (smuggling).
                return new Rejection(HttpResponseStatus.BAD_REQUEST, "Connection must not name " + name);
            }
        }
        if (req.transferEncodingCount > 0 && !req.chunked) {
            return new Rejection(HttpResponseStatus.NOT_IMPLEMENTED,
                    "Transfer-Encoding must be exactly 'chunked', got '"
                            + String.join(", ", req.values(HeaderName.TRANSFER_ENCODING)) + "'");
        }
        if (req.expectCount > 0 && !req.expectContinue) {
            return new Rejection(HttpResponseStatus.EXPECTATION_FAILED, "only 'Expect: 100-continue' is supported");
        }
        if (!req.originOrAsteriskForm() && RequestTarget.absolute(req.target()) == null) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "request target must be a path or an http(s) URL");
        }
        return null;
    }

    /** ASCII bytes of a buffer seen as characters, without copying them. */
    private record AsciiView(io.netty.buffer.ByteBuf buf, int start, int end) implements CharSequence {
        @Override
        public int length() {
            return end - start;
        }

        @Override
        public char charAt(int index) {
            return (char) (buf.getByte(start + index) & 0xff);
        }

        @Override
        public CharSequence subSequence(int from, int to) {
            return new AsciiView(buf, start + from, start + to);
        }

        @Override
        public String toString() {
            return buf.toString(start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * {@code host[:port]} with a registered name, an IPv4 address or a bracketed IPv6 address
     * (RFC 3986 §3.2.2): no space, comma, slash, '@' or other character that could make two parties
     * read two different hosts.
     */
    static boolean validHost(CharSequence v) {
        int n = v.length();
        if (n == 0 || n > 255) {
            return false;
        }
        int i = 0;
        if (v.charAt(0) == '[') {
            int close = -1;
            for (int k = 1; k < n; k++) {
                if (v.charAt(k) == ']') {
                    close = k;
                    break;
                }
            }
            if (close < 2) {
                return false;
            }
            for (i = 1; i < close; i++) {
                char c = v.charAt(i);
                if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                    return false;
                }
            }
            i = close + 1;
        } else {
            for (; i < n && v.charAt(i) != ':'; i++) {
                char c = v.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                        || c == '_')) {
                    return false;
                }
            }
            if (i == 0) {
                return false;
            }
        }
        if (i == n) {
            return true;
        }
        if (v.charAt(i) != ':' || n - i - 1 < 1 || n - i - 1 > 5) {
            return false;
        }
        for (i++; i < n; i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
