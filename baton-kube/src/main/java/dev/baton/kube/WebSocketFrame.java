package dev.baton.kube;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * One WebSocket frame (RFC 6455 section 5.2), as the node agent's port-forward reads and writes them: a client's
 * frames are masked, a server's are not. Continuation frames are passed through as they are; the caller joins them.
 *
 * @param fin whether this frame ends its message
 * @param opcode {@link #BINARY}, {@link #TEXT}, {@link #CONTINUATION}, {@link #CLOSE}, {@link #PING} or {@link #PONG}
 * @param payload the unmasked payload
 */
record WebSocketFrame(boolean fin, int opcode, byte[] payload) {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    /** Larger frames are refused: the port-forward's peers send a few kilobytes at a time. */
    static final int MAX_PAYLOAD = 1 << 24;
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    WebSocketFrame {
        if (opcode < 0 || opcode > 0xF) {
            throw new IllegalArgumentException("opcode: must be 0..15, got " + opcode);
        }
    }

    /** A final frame with {@code payload}. */
    static WebSocketFrame of(int opcode, byte[] payload) {
        return new WebSocketFrame(true, opcode, payload);
    }

    /**
     * Reads the next frame, unmasking it; null at a clean end of stream before its first byte.
     *
     * @throws IOException on a stream that ends inside a frame or a frame longer than {@link #MAX_PAYLOAD}
     */
    static WebSocketFrame read(InputStream in) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = readByte(in);
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (readByte(in) << 8) | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte(in);
            }
        }
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("a WebSocket frame of " + length + " bytes (at most " + MAX_PAYLOAD + ")");
        }
        byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
        if (mask != null && mask.length < 4) {
            throw new EOFException("the stream ended inside a WebSocket frame's mask");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("the stream ended inside a WebSocket frame");
        }
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new WebSocketFrame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** Writes this frame unmasked, as a server sends it. */
    void write(OutputStream out) throws IOException {
        write(out, null);
    }

    /** Writes this frame masked with {@code mask} (4 bytes), as a client sends it; unmasked when null. */
    void write(OutputStream out, byte[] mask) throws IOException {
        int n = payload.length;
        byte[] head = new byte[14];
        int h = 0;
        head[h++] = (byte) ((fin ? 0x80 : 0) | opcode);
        int maskBit = mask == null ? 0 : 0x80;
        if (n < 126) {
            head[h++] = (byte) (maskBit | n);
        } else if (n <= 0xFFFF) {
            head[h++] = (byte) (maskBit | 126);
            head[h++] = (byte) (n >>> 8);
            head[h++] = (byte) n;
        } else {
            head[h++] = (byte) (maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                head[h++] = (byte) ((long) n >>> shift);
            }
        }
        byte[] body = payload;
        if (mask != null) {
            System.arraycopy(mask, 0, head, h, 4);
            h += 4;
            body = payload.clone();
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i & 3];
            }
        }
        out.write(head, 0, h);
        out.write(body);
        out.flush();
    }

    /** The {@code Sec-WebSocket-Accept} answer to a client's {@code Sec-WebSocket-Key}. */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key.trim() + ACCEPT_GUID)
                    .getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the stream ended inside a WebSocket frame's header");
        }
        return b;
    }
}
