package dev.baton.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * Header rewriting at the proxy (RFC 9110 §7.6): hop-by-hop headers are removed, {@code Via} and
 * {@code X-Forwarded-For/-Proto/-Host} are added. {@code Transfer-Encoding} stays when it says
 * chunked, because the codec frames the body from it and re-encodes it on the next hop.
 */
final class ForwardedHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final String VIA = "1.1 baton";

    private ForwardedHeaders() {
    }

    /** Rewrites a request before it goes to a backend (always as HTTP/1.1 keep-alive). */
    static void request(HttpRequest req, String clientIp, boolean upgrade) {
        HttpHeaders h = req.headers();
        removeHopByHop(h, upgrade);
        if (upgrade) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        String xff = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        h.set(X_FORWARDED_PROTO, "http");
        String host = h.get(HttpHeaderNames.HOST);
        if (host != null) {
            h.set(X_FORWARDED_HOST, host);
        }
        appendVia(h);
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
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
                    if (!name.isEmpty() && !(upgrade && name.equalsIgnoreCase("upgrade"))
                            && !name.equalsIgnoreCase("transfer-encoding")) {
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

    private static void appendVia(HttpHeaders h) {
        String via = h.get(HttpHeaderNames.VIA);
        h.set(HttpHeaderNames.VIA, via == null ? VIA : via + ", " + VIA);
    }
}
