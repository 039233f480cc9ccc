package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses a complete HTTP/1.1 request head in place (RFC 9112): the request line and every header
 * line, as strictly as an edge proxy must — CRLF line ends only, no whitespace before a colon, no
 * line folding, no control characters, one Content-Length at most and never with Transfer-Encoding.
 * Records spans over the bytes and the facts routing and framing need; makes no String on the way. It reads
 * a copy of the head in an array ({@link HeapCopy}) at the same indexes, so the spans are the received bytes'.
 * Whether a well-formed head may be forwarded is {@link RequestChecks}' decision.
 */
final class HeadParser {

    private HeadParser() {
    }

    /** Parses the head that fills {@code buf} from its reader index to its writer index (ending with CRLF CRLF). */
    static RequestHead parse(ByteBuf buf, int maxLine, int maxHeader) throws Malformed {
        return parse(buf, maxLine, maxHeader, null);
    }

    /**
     * As {@link #parse(ByteBuf, int, int)}, filling {@code reuse} (a head its taker has released, or null for a
     * new one).
     */
    static RequestHead parse(ByteBuf bytes, int maxLine, int maxHeader, RequestHead reuse) throws Malformed {
        ByteBuf buf = HeapCopy.of(bytes);
        int p = buf.readerIndex();
        int end = buf.writerIndex();
        // request line: method SP target SP HTTP/x.y CRLF
        int methodEnd = p;
        while (methodEnd < end && tchar(buf.getByte(methodEnd))) {
            methodEnd++;
        }
        if (methodEnd == p || methodEnd >= end || buf.getByte(methodEnd) != ' ') {
            throw Malformed.badRequest("malformed request line");
        }
        RequestHead.Method method = method(buf, p, methodEnd);
        int targetStart = methodEnd + 1;
        int targetEnd = targetStart;
        while (targetEnd < end) {
            int b = buf.getByte(targetEnd) & 0xff;
            if (b == ' ') {
                break;
            }
            if (b < 0x21 || b == 0x7f) {
                throw Malformed.badRequest("malformed request line");
            }
            targetEnd++;
        }
        if (targetEnd == targetStart || targetEnd + 11 > end) {
            throw Malformed.badRequest("malformed request line");
        }
        int v = targetEnd + 1;
        if (buf.getByte(v) != 'H' || buf.getByte(v + 1) != 'T' || buf.getByte(v + 2) != 'T' || buf.getByte(v + 3) != 'P'
                || buf.getByte(v + 4) != '/' || !digit(buf.getByte(v + 5)) || buf.getByte(v + 6) != '.'
                || !digit(buf.getByte(v + 7)) || buf.getByte(v + 8) != '\r' || buf.getByte(v + 9) != '\n') {
            throw Malformed.badRequest("malformed request line");
        }
        if (v + 8 - p > maxLine) {
            throw new Malformed(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
        }
        int major = buf.getByte(v + 5) - '0';
        int minor = buf.getByte(v + 7) - '0';
        int headerStart = v + 10;
        if (end - headerStart > maxHeader + 2) {
            throw new Malformed(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "header section too large");
        }

        int[] lines = MessageHead.spans(reuse);
        int count = 0;
        int hostLine = -1;
        int hostCount = 0;
        long contentLength = -1;
        int clCount = 0;
        int teCount = 0;
        boolean chunked = false;
        int expectCount = 0;
        boolean expectContinue = false;
        boolean close = false;
        boolean keepAlive = false;
        boolean upgradeToken = false;
        List<String> named = null;
        int upgradeLine = -1;
        boolean idempotencyKey = false;
        boolean special = false;
        int i = headerStart;
        while (true) {
            if (i + 1 < end && buf.getByte(i) == '\r' && buf.getByte(i + 1) == '\n') {
                if (i + 2 != end) {
                    throw Malformed.badRequest("bytes after the end of the head");
                }
                break;
            }
            if (count * MessageHead.STRIDE == lines.length) {
                lines = java.util.Arrays.copyOf(lines, Math.max(lines.length * 2, MessageHead.STRIDE));
            }
            int o = count * MessageHead.STRIDE;
            i = headerLine(buf, i, end, lines, o);
            int valueStart = lines[o + 2];
            int valueEnd = lines[o + 3];
            HeaderName name = HeaderName.of(lines[o + 5]);
            switch (name) {
                case HOST -> {
                    hostLine = count;
                    hostCount++;
                }
                case CONTENT_LENGTH -> {
                    if (++clCount > 1) {
                        throw Malformed.badRequest("more than one Content-Length");
                    }
                    contentLength = length(buf, valueStart, valueEnd);
                }
                case TRANSFER_ENCODING -> {
                    teCount++;
                    chunked = teCount == 1 && HeaderName.equalsIgnoreCase(buf, valueStart, valueEnd, "chunked");
                }
                case EXPECT -> {
                    expectCount++;
                    expectContinue = expectCount == 1
                            && HeaderName.equalsIgnoreCase(buf, valueStart, valueEnd, "100-continue");
                }
                case CONNECTION -> {
                    int tokens = connectionTokens(buf, valueStart, valueEnd, null);
                    close |= (tokens & CLOSE) != 0;
                    keepAlive |= (tokens & KEEP_ALIVE) != 0;
                    upgradeToken |= (tokens & UPGRADE) != 0;
                    if ((tokens & OTHER) != 0) {
                        if (named == null) {
                            named = new ArrayList<>(2);
                        }
                        connectionTokens(buf, valueStart, valueEnd, named);
                    }
                }
                case UPGRADE -> upgradeLine = count;
                case IDEMPOTENCY_KEY -> idempotencyKey = true;
                default -> {
                }
            }
            if (name != HeaderName.OTHER && name != HeaderName.HOST && name != HeaderName.IDEMPOTENCY_KEY
                    && name != HeaderName.COOKIE) {
                special = true;
            }
            count++;
        }
        if (clCount > 0 && teCount > 0) {
            throw Malformed.badRequest("both Content-Length and Transfer-Encoding present");
        }
        if (teCount > 1) {
            throw Malformed.badRequest("more than one Transfer-Encoding");
        }
        RequestHead h = reuse != null ? reuse : new RequestHead();
        h.fill(bytes, lines, count);
        h.method = method;
        h.methodEnd = methodEnd;
        h.targetStart = targetStart;
        h.targetEnd = targetEnd;
        h.majorVersion = major;
        h.minorVersion = minor;
        h.hostLine = hostLine;
        h.hostCount = hostCount;
        h.contentLength = contentLength;
        h.transferEncodingCount = teCount;
        h.chunked = chunked;
        h.expectCount = expectCount;
        h.expectContinue = expectContinue;
        h.connectionClose = close;
        h.connectionKeepAlive = keepAlive;
        h.connectionUpgrade = upgradeToken;
        h.connectionNames = named == null ? List.of() : named;
        h.upgradeLine = upgradeLine;
        h.idempotencyKey = idempotencyKey;
        h.anySpecial = special;
        return h;
    }

    /**
     * Parses a complete response head filling {@code buf} (status line {@code HTTP/1.x NNN reason},
     * header lines, empty line). A backend is trusted less than nothing: the same line rules as for
     * requests, and one Content-Length at most.
     */
    static ResponseHead parseResponse(ByteBuf buf) throws Malformed {
        return parseResponse(buf, null);
    }

    /** As {@link #parseResponse(ByteBuf)}, filling {@code reuse} (a head its taker has released, or null). */
    static ResponseHead parseResponse(ByteBuf bytes, ResponseHead reuse) throws Malformed {
        ByteBuf buf = HeapCopy.of(bytes);
        int p = buf.readerIndex();
        int end = buf.writerIndex();
        if (end - p < 14 || buf.getByte(p) != 'H' || buf.getByte(p + 1) != 'T' || buf.getByte(p + 2) != 'T'
                || buf.getByte(p + 3) != 'P' || buf.getByte(p + 4) != '/' || buf.getByte(p + 5) != '1'
                || buf.getByte(p + 6) != '.' || !digit(buf.getByte(p + 7)) || buf.getByte(p + 8) != ' '
                || !digit(buf.getByte(p + 9)) || !digit(buf.getByte(p + 10)) || !digit(buf.getByte(p + 11))) {
            throw Malformed.badRequest("malformed status line");
        }
        int status = (buf.getByte(p + 9) - '0') * 100 + (buf.getByte(p + 10) - '0') * 10 + buf.getByte(p + 11) - '0';
        int i = p + 12;
        if (buf.getByte(i) == ' ') {
            for (i++; i < end && buf.getByte(i) != '\r'; i++) {
                int b = buf.getByte(i) & 0xff;
                if (b < 0x20 && b != '\t' || b == 0x7f) {
                    throw Malformed.badRequest("malformed status line");
                }
            }
        }
        if (i + 1 >= end || buf.getByte(i) != '\r' || buf.getByte(i + 1) != '\n') {
            throw Malformed.badRequest("malformed status line");
        }
        int statusLineEnd = i + 2;
        int minor = buf.getByte(p + 7) - '0';
        int[] lines = MessageHead.spans(reuse);
        int count = 0;
        long contentLength = -1;
        boolean chunked = false;
        boolean otherCoding = false;
        boolean close = false;
        boolean keepAlive = false;
        List<String> named = null;
        boolean special = false;
        i = statusLineEnd;
        while (!(i + 1 < end && buf.getByte(i) == '\r' && buf.getByte(i + 1) == '\n')) {
            if (count * MessageHead.STRIDE == lines.length) {
                lines = java.util.Arrays.copyOf(lines, Math.max(lines.length * 2, MessageHead.STRIDE));
            }
            int o = count * MessageHead.STRIDE;
            i = headerLine(buf, i, end, lines, o);
            HeaderName name = HeaderName.of(lines[o + 5]);
            switch (name) {
                case CONTENT_LENGTH -> {
                    if (contentLength >= 0) {
                        throw Malformed.badRequest("more than one Content-Length");
                    }
                    contentLength = length(buf, lines[o + 2], lines[o + 3]);
                }
                case TRANSFER_ENCODING -> {
                    int vs = lines[o + 2];
                    int ve = lines[o + 3];
                    chunked = ve - vs >= 7 && HeaderName.equalsIgnoreCase(buf, ve - 7, ve, "chunked")
                            && (ve - vs == 7 || buf.getByte(ve - 8) == ',' || ows(buf.getByte(ve - 8)));
                    otherCoding = !chunked;
                }
                case CONNECTION -> {
                    int tokens = connectionTokens(buf, lines[o + 2], lines[o + 3], null);
                    close |= (tokens & CLOSE) != 0;
                    keepAlive |= (tokens & KEEP_ALIVE) != 0;
                    if ((tokens & OTHER) != 0) {
                        if (named == null) {
                            named = new ArrayList<>(2);
                        }
                        connectionTokens(buf, lines[o + 2], lines[o + 3], named);
                    }
                }
                default -> {
                }
            }
            special |= name.hopByHop() || name == HeaderName.VIA || name == HeaderName.CONTENT_LENGTH;
            count++;
        }
        if (i + 2 != end) {
            throw Malformed.badRequest("bytes after the end of the head");
        }
        if (chunked || otherCoding) {
            contentLength = -1; // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3)
        }
        ResponseHead h = reuse != null ? reuse : new ResponseHead();
        h.fill(bytes, lines, count);
        h.status = status;
        h.minorVersion = minor;
        h.statusStart = p + 9;
        h.statusLineEnd = statusLineEnd;
        h.contentLength = contentLength;
        h.chunked = chunked;
        h.otherCoding = otherCoding;
        h.close = close || minor == 0 && !keepAlive;
        h.connectionNames = named == null ? List.of() : named;
        h.anySpecial = special;
        return h;
    }

    /**
     * Parses the header line at {@code i} (name, colon, optional whitespace, value, CRLF) into
     * {@code lines[o .. o + STRIDE)}; returns the index after its CRLF.
     */
    static int headerLine(ByteBuf buf, int i, int end, int[] lines, int o) throws Malformed {
        int nameStart = i;
        while (i < end && tchar(buf.getByte(i))) {
            i++;
        }
        if (i == nameStart || i >= end || buf.getByte(i) != ':') {
            throw Malformed.badRequest("malformed header line");
        }
        int nameEnd = i++;
        while (i < end && ows(buf.getByte(i))) {
            i++;
        }
        int valueStart = i;
        int valueEnd = i;
        while (i < end) {
            int b = buf.getByte(i) & 0xff;
            if (b == '\r') {
                break;
            }
            if (b < 0x20 && b != '\t' || b == 0x7f) {
                throw Malformed.badRequest("control character in a header value");
            }
            i++;
            if (b != ' ' && b != '\t') {
                valueEnd = i;
            }
        }
        if (i + 1 >= end || buf.getByte(i + 1) != '\n') {
            throw Malformed.badRequest("malformed header line");
        }
        i += 2;
        lines[o] = nameStart;
        lines[o + 1] = nameEnd;
        lines[o + 2] = valueStart;
        lines[o + 3] = valueEnd;
        lines[o + 4] = i;
        lines[o + 5] = HeaderName.of(buf, nameStart, nameEnd).ordinal();
        return i;
    }

    /** What {@link #connectionTokens} found in a {@code Connection} value. */
    static final int CLOSE = 1;
    static final int KEEP_ALIVE = 2;
    static final int UPGRADE = 4;
    /** Some other name: a header that is hop-by-hop for this message. */
    static final int OTHER = 8;

    /**
     * The tokens of a {@code Connection} value as bits; the other names (lower case) are added to
     * {@code names} when it is not null.
     */
    static int connectionTokens(ByteBuf buf, int start, int end, List<String> names) {
        int found = 0;
        for (int t = start; t < end; ) {
            int te = t;
            while (te < end && buf.getByte(te) != ',') {
                te++;
            }
            int ts = t;
            int tz = te;
            while (ts < tz && ows(buf.getByte(ts))) {
                ts++;
            }
            while (tz > ts && ows(buf.getByte(tz - 1))) {
                tz--;
            }
            if (HeaderName.equalsIgnoreCase(buf, ts, tz, "close")) {
                found |= CLOSE;
            } else if (HeaderName.equalsIgnoreCase(buf, ts, tz, "keep-alive")) {
                found |= KEEP_ALIVE;
            } else if (HeaderName.equalsIgnoreCase(buf, ts, tz, "upgrade")) {
                found |= UPGRADE;
            } else if (tz > ts) {
                found |= OTHER;
                if (names != null) {
                    names.add(buf.toString(ts, tz - ts, java.nio.charset.StandardCharsets.ISO_8859_1)
                            .toLowerCase(Locale.ROOT));
                }
            }
            t = te + 1;
        }
        return found;
    }

    private static long length(ByteBuf buf, int start, int end) throws Malformed {
        if (start == end || end - start > 18) {
            throw Malformed.badRequest("invalid Content-Length");
        }
        long n = 0;
        for (int i = start; i < end; i++) {
            byte b = buf.getByte(i);
            if (!digit(b)) {
                throw Malformed.badRequest("invalid Content-Length");
            }
            n = n * 10 + (b - '0');
        }
        return n;
    }

    private static RequestHead.Method method(ByteBuf buf, int start, int end) {
        return switch (end - start) {
            case 3 -> is(buf, start, "GET") ? RequestHead.Method.GET
                    : is(buf, start, "PUT") ? RequestHead.Method.PUT : RequestHead.Method.OTHER;
            case 4 -> is(buf, start, "POST") ? RequestHead.Method.POST
                    : is(buf, start, "HEAD") ? RequestHead.Method.HEAD : RequestHead.Method.OTHER;
            case 5 -> is(buf, start, "TRACE") ? RequestHead.Method.TRACE
                    : is(buf, start, "PATCH") ? RequestHead.Method.PATCH : RequestHead.Method.OTHER;
            case 6 -> is(buf, start, "DELETE") ? RequestHead.Method.DELETE : RequestHead.Method.OTHER;
            case 7 -> is(buf, start, "OPTIONS") ? RequestHead.Method.OPTIONS
                    : is(buf, start, "CONNECT") ? RequestHead.Method.CONNECT : RequestHead.Method.OTHER;
            default -> RequestHead.Method.OTHER;
        };
    }

    /** Methods are case sensitive (RFC 9110 §9.1). */
    private static boolean is(ByteBuf buf, int start, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (buf.getByte(start + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean ows(byte b) {
        return b == ' ' || b == '\t';
    }

    /** A token character (RFC 9110 §5.6.2). */
    static boolean tchar(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
                || b == '!' || b == '#' || b == '$' || b == '%' || b == '&' || b == '\'' || b == '*' || b == '+'
                || b == '-' || b == '.' || b == '^' || b == '_' || b == '`' || b == '|' || b == '~';
    }
}
