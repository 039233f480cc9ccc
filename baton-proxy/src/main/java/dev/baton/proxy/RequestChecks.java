package dev.baton.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Locale;

/**
 * What a strict edge proxy refuses in a request head that the codec accepted (RFC 9110, RFC 9112).
 * A pure function of the head: {@link #check} returns {@code null} for a request that may be
 * forwarded, or the {@link Rejection} to answer with. The codec itself already refuses malformed
 * lines, conflicting lengths and CL+TE; these are the checks it leaves to the application.
 */
final class RequestChecks {

    /** Why a request is answered by the proxy instead of forwarded. */
    record Rejection(HttpResponseStatus status, String reason) {
    }

    private RequestChecks() {
    }

    static Rejection check(HttpRequest req) {
        if (req.protocolVersion().majorVersion() != 1) {
            return new Rejection(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "only HTTP/1.x is accepted here, got " + req.protocolVersion().text());
        }
        if (req.method().equals(HttpMethod.CONNECT)) {
            return new Rejection(HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not supported");
        }
        HttpHeaders h = req.headers();
        List<String> hosts = h.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "more than one Host header");
        }
        if (hosts.isEmpty() && req.protocolVersion().minorVersion() >= 1) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "an HTTP/1.1 request needs a Host header");
        }
        if (!hosts.isEmpty() && !validHost(hosts.get(0))) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid Host header");
        }
        for (String listed : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : listed.split(",")) {
                String name = token.strip().toLowerCase(Locale.ROOT);
                if (name.equals("content-length") || name.equals("transfer-encoding") || name.equals("host")) {
                    // A proxy that removed the named header would change where the message ends (smuggling).
                    return new Rejection(HttpResponseStatus.BAD_REQUEST, "Connection must not name " + name);
                }
            }
        }
        List<String> codings = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty() && (codings.size() > 1 || !codings.get(0).strip().equalsIgnoreCase("chunked"))) {
            return new Rejection(HttpResponseStatus.NOT_IMPLEMENTED,
                    "Transfer-Encoding must be exactly 'chunked', got '" + String.join(", ", codings) + "'");
        }
        List<String> expect = h.getAll(HttpHeaderNames.EXPECT);
        if (!expect.isEmpty() && (expect.size() > 1 || !expect.get(0).strip().equalsIgnoreCase("100-continue"))) {
            return new Rejection(HttpResponseStatus.EXPECTATION_FAILED, "only 'Expect: 100-continue' is supported");
        }
        String target = req.uri();
        if (!target.startsWith("/") && !target.equals("*") && RequestTarget.absolute(target) == null) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "request target must be a path or an http(s) URL");
        }
        return null;
    }

    /**
     * {@code host[:port]} with a registered name, an IPv4 address or a bracketed IPv6 address
     * (RFC 3986 §3.2.2): no space, comma, slash, '@' or other character that could make two parties
     * read two different hosts.
     */
    static boolean validHost(String value) {
        String v = value.strip();
        int n = v.length();
        if (n == 0 || n > 255) {
            return false;
        }
        int i = 0;
        if (v.charAt(0) == '[') {
            int close = v.indexOf(']');
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
