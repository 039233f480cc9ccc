package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The request header names the proxy acts on, recognised in place over the received bytes (case
 * insensitive, no String made). Every other name is {@link #OTHER} and its line is forwarded as it came.
 */
enum HeaderName {
    HOST("host"),
    CONTENT_LENGTH("content-length"),
    TRANSFER_ENCODING("transfer-encoding"),
    CONNECTION("connection"),
    UPGRADE("upgrade"),
    EXPECT("expect"),
    KEEP_ALIVE("keep-alive"),
    PROXY_CONNECTION("proxy-connection"),
    PROXY_AUTHENTICATE("proxy-authenticate"),
    PROXY_AUTHORIZATION("proxy-authorization"),
    TE("te"),
    TRAILER("trailer"),
    HTTP2_SETTINGS("http2-settings"),
    VIA("via"),
    FORWARDED("forwarded"),
    X_FORWARDED_FOR("x-forwarded-for"),
    X_FORWARDED_PROTO("x-forwarded-proto"),
    X_FORWARDED_HOST("x-forwarded-host"),
    X_FORWARDED_PORT("x-forwarded-port"),
    X_REAL_IP("x-real-ip"),
    TRUE_CLIENT_IP("true-client-ip"),
    X_CLIENT_IP("x-client-ip"),
    X_CLUSTER_CLIENT_IP("x-cluster-client-ip"),
    IDEMPOTENCY_KEY("idempotency-key"),
    COOKIE("cookie"),
    OTHER("");

    private static final HeaderName[] VALUES = values();

    private final byte[] lower;

    HeaderName(String lower) {
        this.lower = lower.getBytes(StandardCharsets.US_ASCII);
    }

    /** Through which a client could claim another address or scheme; kept only from trusted peers. */
    boolean clientClaim() {
        return switch (this) {
            case FORWARDED, X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST, X_FORWARDED_PORT, X_REAL_IP,
                 TRUE_CLIENT_IP, X_CLIENT_IP, X_CLUSTER_CLIENT_IP -> true;
            default -> false;
        };
    }

    /** Hop-by-hop (RFC 9110 §7.6.1): never forwarded as the client sent it. */
    boolean hopByHop() {
        return switch (this) {
            case CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, PROXY_AUTHENTICATE, PROXY_AUTHORIZATION, TE, TRAILER,
                 UPGRADE, TRANSFER_ENCODING -> true;
            default -> false;
        };
    }

    /** The name with this ordinal. */
    static HeaderName of(int ordinal) {
        return VALUES[ordinal];
    }

    /** The name of the bytes {@code [start, end)} of {@code buf}. */
    static HeaderName of(ByteBuf buf, int start, int end) {
        int n = end - start;
        for (HeaderName h : VALUES) {
            if (h.lower.length == n && h.matches(buf, start)) {
                return h;
            }
        }
        return OTHER;
    }

    /** True when the {@code lower.length} bytes at {@code start} spell this name in any case. */
    boolean matches(ByteBuf buf, int start) {
        for (int i = 0; i < lower.length; i++) {
            int b = buf.getByte(start + i);
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code [start, end)} of {@code buf} equals {@code lowerAscii} ignoring case. */
    static boolean equalsIgnoreCase(ByteBuf buf, int start, int end, String lowerAscii) {
        if (end - start != lowerAscii.length()) {
            return false;
        }
        for (int i = 0; i < lowerAscii.length(); i++) {
            int b = buf.getByte(start + i);
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerAscii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
