package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A request head as received, parsed in place by {@link HeadParser}: the spans of the request line's
 * parts and of every header line ({@link MessageHead}), and the facts routing and framing need.
 */
final class RequestHead extends MessageHead {

    /** The methods the proxy treats differently; any other token is {@link #OTHER}. */
    enum Method { GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, CONNECT, PATCH, OTHER }

    final Method method;
    final int methodEnd;
    final int targetStart;
    final int targetEnd;
    final int majorVersion;
    final int minorVersion;

    // Facts gathered while parsing.
    final int hostLine;
    final int hostCount;
    final long contentLength;
    final int transferEncodingCount;
    /** There is exactly one Transfer-Encoding line and it is exactly {@code chunked}. */
    final boolean chunked;
    final int expectCount;
    /** There is exactly one Expect line and it is exactly {@code 100-continue}. */
    final boolean expectContinue;
    final boolean connectionClose;
    final boolean connectionKeepAlive;
    final boolean connectionUpgrade;
    /** A name listed in {@code Connection} other than close, keep-alive or upgrade (lower case), or null. */
    final List<String> connectionNames;
    final int upgradeLine;
    final boolean idempotencyKey;
    /** Some line needs more than a copy: hop-by-hop, a client claim, Via, Expect, Host rewritten... */
    final boolean anySpecial;

    RequestHead(ByteBuf bytes, Method method, int methodEnd, int targetStart, int targetEnd, int majorVersion,
                int minorVersion, int[] lines, int lineCount, int hostLine, int hostCount, long contentLength,
                int transferEncodingCount, boolean chunked, int expectCount, boolean expectContinue,
                boolean connectionClose, boolean connectionKeepAlive, boolean connectionUpgrade,
                List<String> connectionNames, int upgradeLine, boolean idempotencyKey, boolean anySpecial) {
        super(bytes, lines, lineCount);
        this.method = method;
        this.methodEnd = methodEnd;
        this.targetStart = targetStart;
        this.targetEnd = targetEnd;
        this.majorVersion = majorVersion;
        this.minorVersion = minorVersion;
        this.hostLine = hostLine;
        this.hostCount = hostCount;
        this.contentLength = contentLength;
        this.transferEncodingCount = transferEncodingCount;
        this.chunked = chunked;
        this.expectCount = expectCount;
        this.expectContinue = expectContinue;
        this.connectionClose = connectionClose;
        this.connectionKeepAlive = connectionKeepAlive;
        this.connectionUpgrade = connectionUpgrade;
        this.connectionNames = connectionNames;
        this.upgradeLine = upgradeLine;
        this.idempotencyKey = idempotencyKey;
        this.anySpecial = anySpecial;
    }

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
