package dev.baton.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Header rewriting at the proxy (RFC 9110 §7.6): hop-by-hop headers are removed, {@code Via},
 * {@code X-Forwarded-For/-Proto/-Host} and {@code Forwarded} (RFC 7239) are written from what the
 * proxy saw. What a client says about where a request came from is not trusted: unless the peer is
 * one of the configured trusted proxies, the client's forwarding headers (and {@code X-Real-IP},
 * {@code True-Client-IP} and the like) are dropped and written anew; from a trusted peer they are
 * kept and appended to. Framing is not left to the client either: see {@link #frame}.
 */
final class ForwardedHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    /** Headers through which a client could claim another address or scheme; kept only from trusted peers. */
    private static final AsciiString[] CLIENT_CLAIMS = {FORWARDED, X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST,
        AsciiString.cached("x-forwarded-port"), AsciiString.cached("x-real-ip"), AsciiString.cached("true-client-ip"),
        AsciiString.cached("x-client-ip"), AsciiString.cached("x-cluster-client-ip")};
    private static final String VIA = "1.1 baton";

    private ForwardedHeaders() {
    }

    /**
     * Rewrites a request before it goes to a backend (always as HTTP/1.1 keep-alive).
     *
     * @param trustedPeer the client connection comes from a configured trusted proxy
     */
    static void request(HttpRequest req, String clientIp, boolean trustedPeer, boolean upgrade) {
        HttpHeaders h = req.headers();
        removeHopByHop(h, upgrade);
        if (upgrade) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        String host = h.get(HttpHeaderNames.HOST);
        if (trustedPeer) {
            List<String> xff = h.getAll(X_FORWARDED_FOR);
            h.set(X_FORWARDED_FOR, xff.isEmpty() ? clientIp : String.join(", ", xff) + ", " + clientIp);
            if (!h.contains(X_FORWARDED_PROTO)) {
                h.set(X_FORWARDED_PROTO, "http");
            }
            if (host != null && !h.contains(X_FORWARDED_HOST)) {
                h.set(X_FORWARDED_HOST, host);
            }
            List<String> fwd = h.getAll(FORWARDED);
            String element = forwardedElement(clientIp, host);
            h.set(FORWARDED, fwd.isEmpty() ? element : String.join(", ", fwd) + ", " + element);
        } else {
            for (AsciiString claim : CLIENT_CLAIMS) {
                h.remove(claim);
            }
            h.set(X_FORWARDED_FOR, clientIp);
            h.set(X_FORWARDED_PROTO, "http");
            if (host != null) {
                h.set(X_FORWARDED_HOST, host);
            }
            h.set(FORWARDED, forwardedElement(clientIp, host));
        }
        appendVia(h);
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /**
     * Frames the body for the backend from what the codec read, whatever the client's headers said:
     * chunked when the client's body was chunked, else {@code Content-Length} of the body the codec
     * counted, else no body. The backend can then never read a message boundary other than the one
     * the proxy used.
     *
     * @param chunked       the client's body was chunked
     * @param contentLength the client's Content-Length, or -1 when it sent none
     */
    static void frame(HttpRequest req, boolean chunked, long contentLength) {
        HttpHeaders h = req.headers();
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        if (chunked) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (contentLength >= 0) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        }
    }

    /** One RFC 7239 element: {@code for=…;proto=http;host=…}, quoted where the syntax needs it. */
    private static String forwardedElement(String clientIp, String host) {
        StringBuilder sb = new StringBuilder("for=");
        sb.append(clientIp.indexOf(':') >= 0 ? "\"[" + clientIp + "]\"" : clientIp).append(";proto=http");
        if (host != null) {
            sb.append(";host=\"").append(host.replace("\\", "").replace("\"", "")).append('"');
        }
        return sb.toString();
    }

    private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("http2-settings");

    /**
     * Declines an offer to upgrade to cleartext HTTP/2 ({@code Upgrade: h2c}, RFC 7540 §3.2; dropped
     * from RFC 9113): the proxy speaks HTTP/1.1 to backends, and a client that offers h2c carries on
     * in HTTP/1.1 when the answer is not 101. Forwarding the offer would make the exchange wait for a
     * protocol switch that never comes. Returns true when the offer was removed.
     */
    static boolean declineCleartextHttp2(HttpHeaders h) {
        String upgrade = h.get(HttpHeaderNames.UPGRADE);
        if (upgrade == null) {
            return false;
        }
        for (String token : upgrade.split(",")) {
            if (!token.strip().equalsIgnoreCase("h2c")) {
                return false;
            }
        }
        h.remove(HttpHeaderNames.UPGRADE);
        h.remove(HTTP2_SETTINGS);
        return true;
    }

    /** Rewrites a response before it goes back to the client. */
    static void response(HttpResponse res, boolean clientKeepAlive, boolean upgrade) {
        HttpHeaders h = res.headers();
        removeHopByHop(h, upgrade);
        if (upgrade) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        } else {
            if (!clientKeepAlive) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            // A body delimited by the backend closing its connection is re-framed as chunked.
            if (!HttpUtil.isContentLengthSet(res) && !HttpUtil.isTransferEncodingChunked(res)
                    && res.status().code() >= 200 && res.status().code() != 204 && res.status().code() != 304) {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        appendVia(h);
        res.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /** Names this proxy removes or must look at before forwarding (lower case). */
    private static final AsciiString[] HOP_BY_HOP = {HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            PROXY_CONNECTION, HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE, HttpHeaderNames.TRANSFER_ENCODING};

    /** One pass over the names: most messages carry no hop-by-hop header, and then nothing is removed. */
    private static boolean anyHopByHop(HttpHeaders h) {
        for (var it = h.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            for (AsciiString hop : HOP_BY_HOP) {
                if (name.length() == hop.length() && hop.contentEqualsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void removeHopByHop(HttpHeaders h, boolean upgrade) {
        if (!anyHopByHop(h)) {
            return;
        }
        if (h.contains(HttpHeaderNames.CONNECTION)) {
            for (String listed : h.getAll(HttpHeaderNames.CONNECTION)) {
                for (String token : listed.split(",")) {
                    String name = token.trim();
                    if (!name.isEmpty() && !(upgrade && name.equalsIgnoreCase("upgrade")) && !framing(name)) {
                        h.remove(name);
                    }
                }
            }
            h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(PROXY_CONNECTION);
        h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        if (!upgrade) {
            h.remove(HttpHeaderNames.UPGRADE);
        }
        if (h.contains(HttpHeaderNames.TRANSFER_ENCODING)
                && !h.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true)) {
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
    }

    /**
     * Headers that say where a message ends or where it goes: never removed because {@code Connection}
     * names them (requests that do are refused, see {@link RequestChecks}).
     */
    private static boolean framing(String name) {
        return name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("host");
    }

    private static void appendVia(HttpHeaders h) {
        String via = h.get(HttpHeaderNames.VIA);
        h.set(HttpHeaderNames.VIA, via == null ? VIA : via + ", " + VIA);
    }
}
