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
 * Records spans over the bytes and the facts routing and framing need; makes no String on the way.
 * Whether a well-formed head may be forwarded is {@link RequestChecks}' decision.
 */
final class HeadParser {

    private HeadParser() {
    }

    /** Parses the head that fills {@code buf} from its reader index to its writer index (ending with CRLF CRLF). */
    static RequestHead parse(ByteBuf buf, int maxLine, int maxHeader) throws Malformed {
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

        int[] lines = new int[RequestHead.STRIDE * 4];
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
            HeaderName name = HeaderName.of(buf, nameStart, nameEnd);
            if (count * RequestHead.STRIDE == lines.length) {
                lines = java.util.Arrays.copyOf(lines, lines.length * 2);
            }
            int o = count * RequestHead.STRIDE;
            lines[o] = nameStart;
            lines[o + 1] = nameEnd;
            lines[o + 2] = valueStart;
            lines[o + 3] = valueEnd;
            lines[o + 4] = i;
            lines[o + 5] = name.ordinal();
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
                    for (int t = valueStart; t < valueEnd; ) {
                        int te = t;
                        while (te < valueEnd && buf.getByte(te) != ',') {
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
                            close = true;
                        } else if (HeaderName.equalsIgnoreCase(buf, ts, tz, "keep-alive")) {
                            keepAlive = true;
                        } else if (HeaderName.equalsIgnoreCase(buf, ts, tz, "upgrade")) {
                            upgradeToken = true;
                        } else if (tz > ts) {
                            if (named == null) {
                                named = new ArrayList<>(2);
                            }
                            named.add(buf.toString(ts, tz - ts, java.nio.charset.StandardCharsets.ISO_8859_1)
                                    .toLowerCase(Locale.ROOT));
                        }
                        t = te + 1;
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
        return new RequestHead(buf, method, methodEnd, targetStart, targetEnd, major, minor, lines, count, hostLine,
                hostCount, contentLength, teCount, chunked, expectCount, expectContinue, close, keepAlive,
                upgradeToken, named == null ? List.of() : named, upgradeLine, idempotencyKey, special);
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
