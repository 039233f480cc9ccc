package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request head as received, parsed in place by {@link HeadParser}: the bytes themselves (from the
 * request line to the empty line), the spans of the request line's parts and of every header line,
 * and the facts routing and framing need. No header object is made; a line that is forwarded
 * unchanged is copied from {@link #bytes()} as it came. Reference counted through its bytes: whoever
 * takes it from the decoder releases it.
 */
final class RequestHead extends AbstractReferenceCounted {

    /** The methods the proxy treats differently; any other token is {@link #OTHER}. */
    enum Method { GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, CONNECT, PATCH, OTHER }

    /** Ints per header line in {@link #lines}: name start, name end, value start, value end, line end, name. */
    static final int STRIDE = 6;

    private final ByteBuf bytes;
    final Method method;
    final int methodEnd;
    final int targetStart;
    final int targetEnd;
    final int majorVersion;
    final int minorVersion;
    /** {@link #STRIDE} ints per header line; the line ends after its CRLF at "line end". */
    private final int[] lines;
    final int lineCount;

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
        this.bytes = bytes;
        this.method = method;
        this.methodEnd = methodEnd;
        this.targetStart = targetStart;
        this.targetEnd = targetEnd;
        this.majorVersion = majorVersion;
        this.minorVersion = minorVersion;
        this.lines = lines;
        this.lineCount = lineCount;
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

    ByteBuf bytes() {
        return bytes;
    }

    /** Keep-alive as HTTP/1.x defines it: 1.1 unless {@code close}, 1.0 only with {@code keep-alive}. */
    boolean keepAlive() {
        return minorVersion >= 1 ? !connectionClose : connectionKeepAlive && !connectionClose;
    }

    HeaderName name(int line) {
        return HeaderName.values()[lines[line * STRIDE + 5]];
    }

    int nameStart(int line) {
        return lines[line * STRIDE];
    }

    int nameEnd(int line) {
        return lines[line * STRIDE + 1];
    }

    int valueStart(int line) {
        return lines[line * STRIDE + 2];
    }

    int valueEnd(int line) {
        return lines[line * STRIDE + 3];
    }

    int lineEnd(int line) {
        return lines[line * STRIDE + 4];
    }

    /** The value of a line as a String (for the rare paths: pinning, cookies, messages). */
    String value(int line) {
        return bytes.toString(valueStart(line), valueEnd(line) - valueStart(line), StandardCharsets.ISO_8859_1);
    }

    /** The request target as a String. */
    String target() {
        return bytes.toString(targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
    }

    /** True when the target is exactly {@code *}, or begins with {@code /}. */
    boolean originOrAsteriskForm() {
        byte first = bytes.getByte(targetStart);
        return first == '/' || targetEnd - targetStart == 1 && first == '*';
    }

    /** The values of every line named {@code name} (case insensitive), in order. */
    List<String> values(String name) {
        List<String> out = new ArrayList<>(1);
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i < lineCount; i++) {
            if (HeaderName.equalsIgnoreCase(bytes, nameStart(i), nameEnd(i), lower)) {
                out.add(value(i));
            }
        }
        return out;
    }

    /** The values of every line of a known name, in order. */
    List<String> values(HeaderName name) {
        List<String> out = new ArrayList<>(1);
        for (int i = 0; i < lineCount; i++) {
            if (name(i) == name) {
                out.add(value(i));
            }
        }
        return out;
    }

    @Override
    protected void deallocate() {
        bytes.release();
    }

    @Override
    public RequestHead touch(Object hint) {
        bytes.touch(hint);
        return this;
    }
}
