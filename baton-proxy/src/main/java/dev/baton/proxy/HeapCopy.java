package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * A head's bytes copied, in one bulk copy, into a per-thread heap buffer at the same indexes, for the
 * parser to read. Reading a direct buffer a byte at a time costs a {@code ByteBuffer} access with its
 * memory-session check per byte when {@code sun.misc.Unsafe} is unavailable (the default on Java 25);
 * reading an array costs an array access. Valid until the thread's next call; never escapes the parser.
 */
final class HeapCopy {

    private static final FastThreadLocal<ByteBuf> BUFFER = new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
            // made directly, not through an allocator: it lives as long as its thread and is never released
            return new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, 1024, Integer.MAX_VALUE);
        }
    };

    private HeapCopy() {
    }

    /** The readable bytes of {@code bytes}, at the same indexes, in this thread's heap buffer. */
    static ByteBuf of(ByteBuf bytes) {
        if (bytes.hasArray()) {
            return bytes;
        }
        ByteBuf copy = BUFFER.get();
        int from = bytes.readerIndex();
        int to = bytes.writerIndex();
        copy.clear();
        copy.ensureWritable(to);
        copy.setBytes(from, bytes, from, to - from);
        copy.setIndex(from, to);
        return copy;
    }
}
