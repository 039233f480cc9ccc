package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Header rewriting at the proxy (RFC 9110 §7.6): hop-by-hop headers are removed, {@code Via},
 * {@code X-Forwarded-For/-Proto/-Host} and {@code Forwarded} (RFC 7239) are written from what the
 * proxy saw. Both directions are written as bytes from heads parsed in place ({@link #writeRequest},
 * {@link #writeResponse}): kept lines go as they came. What a client says about where a request came from is not trusted: unless the peer is
 * one of the configured trusted proxies, the client's forwarding headers (and {@code X-Real-IP},
 * {@code True-Client-IP} and the like) are dropped and written anew; from a trusted peer they are
 * kept and appended to. Framing is not left to the client either: see {@link #writeRequest}.
 */
final class ForwardedHeaders {


    private ForwardedHeaders() {
    }

    private static final byte[] VERSION_LINE = bytes(" HTTP/1.1\r\n");
    private static final byte[] CRLF = bytes("\r\n");
    private static final byte[] SEPARATOR = bytes(", ");
    private static final byte[] HOST_LINE = bytes("Host: ");
    private static final byte[] CONNECTION_UPGRADE = bytes("Connection: Upgrade\r\n");
    private static final byte[] CHUNKED = bytes("Transfer-Encoding: chunked\r\n");
    private static final byte[] CONTENT_LENGTH = bytes("Content-Length: ");
    private static final byte[] XFF = bytes("X-Forwarded-For: ");
    private static final byte[] XFP = bytes("X-Forwarded-Proto: http\r\n");
    private static final byte[] XFH = bytes("X-Forwarded-Host: ");
    private static final byte[] FORWARDED_FOR = bytes("Forwarded: ");
    private static final byte[] VIA_LINE = bytes("Via: ");
    private static final byte[] VIA_BATON = bytes("1.1 baton\r\n");

    /**
     * Writes the head a backend gets for {@code h} (always HTTP/1.1 keep-alive) into {@code out}: the
     * original bytes of every line it keeps, none of the hop-by-hop ones, and the lines the proxy owns —
     * the framing ({@code chunked} when the client's body was chunked, else {@code Content-Length} of the
     * body the decoder will pass on, else none: the backend can never read a message boundary other than
     * the one the proxy used), {@code X-Forwarded-*}, {@code Forwarded} and {@code Via}.
     *
     * @param h           the parsed request head
     * @param target      the target to send instead of the client's (origin form of an absolute one), or null
     * @param authority   the Host to send instead of the client's (from an absolute target), or null
     * @param trustedPeer the client connection comes from a configured trusted proxy
     * @param upgrade     the request asks for a protocol switch the proxy passes on
     * @param declineH2c  the client offered {@code Upgrade: h2c}, which the proxy declines (see
     *                    {@link #offersCleartextHttp2})
     */
    static void writeRequest(RequestHead h, ByteBuf out, String target, String authority, String clientIp,
                             boolean trustedPeer, boolean upgrade, boolean declineH2c) {
        ByteBuf in = h.bytes();
        ByteCopy.copy(in, in.readerIndex(), h.methodEnd + 1 - in.readerIndex(), out);
        if (target != null) {
            out.writeCharSequence(target, StandardCharsets.ISO_8859_1);
        } else {
            ByteCopy.copy(in, h.targetStart, h.targetEnd - h.targetStart, out);
        }
        out.writeBytes(VERSION_LINE);
        int xff = -1;
        int fwd = -1;
        int via = -1;
        boolean ownProto = false;
        boolean ownHost = false;
        if (h.lineCount > 0 && !h.anySpecial && authority == null) {
            // The common case: nothing to remove or merge, all lines go as they came.
            ByteCopy.copy(in, h.nameStart(0), h.lineEnd(h.lineCount - 1) - h.nameStart(0), out);
        } else {
            for (int i = 0; i < h.lineCount; i++) {
                HeaderName name = h.name(i);
                boolean keep = switch (name) {
                    case CONTENT_LENGTH, EXPECT, CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, PROXY_AUTHENTICATE,
                         PROXY_AUTHORIZATION, TE, TRAILER, TRANSFER_ENCODING -> false;
                    case UPGRADE -> upgrade;
                    case HTTP2_SETTINGS -> !declineH2c;
                    case HOST -> authority == null;
                    case VIA -> {
                        via = via < 0 ? i : via;
                        yield false;
                    }
                    case X_FORWARDED_FOR -> {
                        xff = xff < 0 ? i : xff;
                        yield false;
                    }
                    case FORWARDED -> {
                        fwd = fwd < 0 ? i : fwd;
                        yield false;
                    }
                    case X_FORWARDED_PROTO -> {
                        ownProto |= trustedPeer;
                        yield trustedPeer;
                    }
                    case X_FORWARDED_HOST -> {
                        ownHost |= trustedPeer;
                        yield trustedPeer;
                    }
                    case OTHER -> h.connectionNames.isEmpty() || !h.listed(i, h.connectionNames);
                    default -> !name.clientClaim() || trustedPeer;
                };
                if (keep) {
                    ByteCopy.copy(in, h.nameStart(i), h.lineEnd(i) - h.nameStart(i), out);
                }
            }
        }
        if (authority != null) {
            out.writeBytes(HOST_LINE);
            out.writeCharSequence(authority, StandardCharsets.ISO_8859_1);
            out.writeBytes(CRLF);
        }
        if (upgrade) {
            out.writeBytes(CONNECTION_UPGRADE);
        }
        if (h.chunked) {
            out.writeBytes(CHUNKED);
        } else if (h.contentLength >= 0) {
            out.writeBytes(CONTENT_LENGTH);
            writeDecimal(out, h.contentLength);
            out.writeBytes(CRLF);
        }
        out.writeBytes(XFF);
        if (trustedPeer) {
            writeValues(out, h, HeaderName.X_FORWARDED_FOR, xff);
        }
        out.writeCharSequence(clientIp, StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
        if (!ownProto) {
            out.writeBytes(XFP);
        }
        boolean hasHost = authority != null || h.hostLine >= 0;
        if (hasHost && !ownHost) {
            out.writeBytes(XFH);
            writeHost(out, h, authority);
            out.writeBytes(CRLF);
        }
        out.writeBytes(FORWARDED_FOR);
        if (trustedPeer) {
            writeValues(out, h, HeaderName.FORWARDED, fwd);
        }
        out.writeCharSequence("for=", StandardCharsets.ISO_8859_1);
        if (clientIp.indexOf(':') >= 0) {
            out.writeCharSequence("\"[" + clientIp + "]\"", StandardCharsets.ISO_8859_1);
        } else {
            out.writeCharSequence(clientIp, StandardCharsets.ISO_8859_1);
        }
        out.writeCharSequence(";proto=http", StandardCharsets.ISO_8859_1);
        if (hasHost) {
            // A valid Host (RequestChecks) has no quote or backslash to escape.
            out.writeCharSequence(";host=\"", StandardCharsets.ISO_8859_1);
            writeHost(out, h, authority);
            out.writeByte('"');
        }
        out.writeBytes(CRLF);
        out.writeBytes(VIA_LINE);
        writeValues(out, h, HeaderName.VIA, via);
        out.writeBytes(VIA_BATON);
        out.writeBytes(CRLF);
    }

    /** Writes the values of every {@code name} line from {@code first} on, each followed by ", ". */
    private static void writeValues(ByteBuf out, MessageHead h, HeaderName name, int first) {
        if (first < 0) {
            return;
        }
        ByteBuf in = h.bytes();
        for (int i = first; i < h.lineCount; i++) {
            if (h.name(i) == name && h.valueEnd(i) > h.valueStart(i)) {
                ByteCopy.copy(in, h.valueStart(i), h.valueEnd(i) - h.valueStart(i), out);
                out.writeBytes(SEPARATOR);
            }
        }
    }

    private static void writeHost(ByteBuf out, RequestHead h, String authority) {
        if (authority != null) {
            out.writeCharSequence(authority, StandardCharsets.ISO_8859_1);
        } else {
            ByteCopy.copy(h.bytes(), h.valueStart(h.hostLine), h.valueEnd(h.hostLine) - h.valueStart(h.hostLine), out);
        }
    }

    private static void writeDecimal(ByteBuf out, long v) {
        if (v >= 10) {
            writeDecimal(out, v / 10);
        }
        out.writeByte((int) ('0' + v % 10));
    }

    /**
     * An offer to upgrade to cleartext HTTP/2 ({@code Upgrade: h2c}, RFC 7540 §3.2; dropped from
     * RFC 9113), which the proxy declines: it speaks HTTP/1.1 to backends, and a client that offers h2c
     * carries on in HTTP/1.1 when the answer is not 101. Forwarding the offer would make the exchange
     * wait for a protocol switch that never comes. True when every token of {@code Upgrade} is h2c.
     */
    static boolean offersCleartextHttp2(RequestHead h) {
        if (h.upgradeLine < 0) {
            return false;
        }
        for (String token : h.value(h.upgradeLine).split(",")) {
            if (!token.strip().equalsIgnoreCase("h2c")) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] STATUS_LINE_START = bytes("HTTP/1.1 ");
    private static final byte[] CONNECTION_CLOSE = bytes("Connection: close\r\n");
    private static final byte[] SET_COOKIE = bytes("Set-Cookie: ");

    /**
     * Writes the head the client gets for a backend's response {@code r} (always HTTP/1.1) into
     * {@code out}: the status line's code and reason and every kept line as the backend sent them,
     * without the hop-by-hop lines, then the lines the proxy owns: {@code Connection} (Upgrade when
     * switching protocols, close when the client's connection ends after this response), framing when
     * the body must be re-framed as chunked (it was delimited by the backend closing), the sticky
     * cookie, and {@code Via}.
     *
     * @param rechunk   the response has a body without Content-Length or chunked framing: the proxy
     *                  declares it chunked (and frames it so, unless the response is bodiless)
     * @param setCookie a {@code Set-Cookie} value to add, or null
     */
    static void writeResponse(ResponseHead r, ByteBuf out, boolean clientKeepAlive, boolean switching,
                              boolean rechunk, String setCookie) {
        ByteBuf in = r.bytes();
        out.writeBytes(STATUS_LINE_START);
        ByteCopy.copy(in, r.statusStart, r.statusLineEnd - r.statusStart, out);
        int via = -1;
        if (r.lineCount > 0 && !r.anySpecial) {
            ByteCopy.copy(in, r.nameStart(0), r.lineEnd(r.lineCount - 1) - r.nameStart(0), out);
        } else {
            for (int i = 0; i < r.lineCount; i++) {
                HeaderName name = r.name(i);
                boolean keep = switch (name) {
                    case CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, PROXY_AUTHENTICATE, PROXY_AUTHORIZATION, TE,
                         TRAILER -> false;
                    case UPGRADE -> switching;
                    case TRANSFER_ENCODING -> r.chunked;
                    case CONTENT_LENGTH -> r.contentLength >= 0;
                    case VIA -> {
                        via = via < 0 ? i : via;
                        yield false;
                    }
                    default -> r.connectionNames.isEmpty() || !r.listed(i, r.connectionNames);
                };
                if (keep) {
                    ByteCopy.copy(in, r.nameStart(i), r.lineEnd(i) - r.nameStart(i), out);
                }
            }
        }
        if (switching) {
            out.writeBytes(CONNECTION_UPGRADE);
        } else if (!clientKeepAlive) {
            out.writeBytes(CONNECTION_CLOSE);
        }
        if (rechunk) {
            out.writeBytes(CHUNKED);
        }
        if (setCookie != null) {
            out.writeBytes(SET_COOKIE);
            out.writeCharSequence(setCookie, StandardCharsets.ISO_8859_1);
            out.writeBytes(CRLF);
        }
        out.writeBytes(VIA_LINE);
        writeValues(out, r, HeaderName.VIA, via);
        out.writeBytes(VIA_BATON);
        out.writeBytes(CRLF);
    }
}
