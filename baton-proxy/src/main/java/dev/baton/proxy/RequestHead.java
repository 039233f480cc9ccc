package dev.baton.proxy;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A request head as received, parsed in place by {@link HeadParser}: the spans of the request line's
 * parts and of every header line ({@link MessageHead}), and the facts routing and framing need. Filled by
 * the parser, read-only for everyone else.
 */
final class RequestHead extends MessageHead {

    /** The methods the proxy treats differently; any other token is {@link #OTHER}. */
    enum Method { GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, CONNECT, PATCH, OTHER }

    Method method;
    int methodEnd;
    int targetStart;
    int targetEnd;
    int majorVersion;
    int minorVersion;

    // Facts gathered while parsing.
    int hostLine;
    int hostCount;
    long contentLength;
    int transferEncodingCount;
    /** There is exactly one Transfer-Encoding line and it is exactly {@code chunked}. */
    boolean chunked;
    int expectCount;
    /** There is exactly one Expect line and it is exactly {@code 100-continue}. */
    boolean expectContinue;
    boolean connectionClose;
    boolean connectionKeepAlive;
    boolean connectionUpgrade;
    /** A name listed in {@code Connection} other than close, keep-alive or upgrade (lower case), or null. */
    List<String> connectionNames;
    int upgradeLine;
    boolean idempotencyKey;
    /** Some line needs more than a copy: hop-by-hop, a client claim, Via, Expect, Host rewritten... */
    boolean anySpecial;

    /** Keep-alive as HTTP/1.x defines it: 1.1 unless {@code close}, 1.0 only with {@code keep-alive}. */
    boolean keepAlive() {
        return minorVersion >= 1 ? !connectionClose : connectionKeepAlive && !connectionClose;
    }

    /** The request target as a String. */
    String target() {
        return bytes().toString(targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
    }

    /** True when the target is exactly {@code *}, or begins with {@code /}. */
    boolean originOrAsteriskForm() {
        byte first = bytes().getByte(targetStart);
        return first == '/' || targetEnd - targetStart == 1 && first == '*';
    }
}
