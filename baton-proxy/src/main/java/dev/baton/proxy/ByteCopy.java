package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Copies bytes between buffers through a small per-thread array. Netty's own buffer-to-buffer copy, from
 * a slice (every head and body piece the decoders pass on is one) into a direct buffer, makes two
 * {@code ByteBuffer} views per call when {@code sun.misc.Unsafe} is unavailable, as it is by default on
 * Java 25; through an array it makes none, and is no slower for the short runs the proxy copies (a few
 * hundred bytes).
 */
final class ByteCopy {

    private static final int CHUNK = 1024;
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[CHUNK];
        }
    };

    private ByteCopy() {
    }

    /** Appends {@code length} bytes of {@code from} starting at {@code index} to {@code to}. */
    static void copy(ByteBuf from, int index, int length, ByteBuf to) {
        byte[] scratch = SCRATCH.get();
        to.ensureWritable(length);
        while (length > 0) {
            int n = Math.min(length, CHUNK);
            from.getBytes(index, scratch, 0, n);
            to.writeBytes(scratch, 0, n);
            index += n;
            length -= n;
        }
    }

    /** Appends the readable bytes of {@code from} to {@code to} (the reader index of {@code from} stays). */
    static void copy(ByteBuf from, ByteBuf to) {
        copy(from, from.readerIndex(), from.readableBytes(), to);
    }
}
