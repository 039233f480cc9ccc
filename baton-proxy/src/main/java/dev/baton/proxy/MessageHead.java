package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A message head as received (start line through the empty line) and the spans of its header
 * lines, parsed in place: no header object is made, and a line that is forwarded unchanged is copied
 * from {@link #bytes()} as it came. Reference counted through its bytes: whoever takes it from a
 * decoder releases it, once, and touches it no more: the decoder then fills the same object (and its
 * span array) with its next head, so the steady state makes no head object per message.
 */
abstract class MessageHead implements ReferenceCounted {

    /** Ints per header line in {@link #lines}: name start, name end, value start, value end, line end, name. */
    static final int STRIDE = 6;

    private ByteBuf bytes;
    private int[] lines;
    int lineCount;
    /** Released by its taker: the decoder that made it may fill it again ({@link #reusable}). */
    private boolean released;

    /** Sets the bytes and the spans of the head (by the parser, for a new head or a released one). */
    final void fill(ByteBuf bytes, int[] lines, int lineCount) {
        this.bytes = bytes;
        this.lines = lines;
        this.lineCount = lineCount;
        this.released = false;
    }

    /** The span array to fill for the next head: the released head's, else a new one for 8 lines (the parser grows it). */
    static int[] spans(MessageHead reuse) {
        return reuse != null ? reuse.lines : new int[STRIDE * 8];
    }

    /** {@code head} when it was released (its taker is done with it), else null. */
    static <H extends MessageHead> H reusable(H head) {
        return head != null && ((MessageHead) head).released ? head : null;
    }

    ByteBuf bytes() {
        return bytes;
    }

    HeaderName name(int line) {
        return HeaderName.of(lines[line * STRIDE + 5]);
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

    /** True when line {@code i}'s name is one that {@code names} (lower case, from Connection) lists. */
    boolean listed(int i, List<String> names) {
        for (String listed : names) {
            if (HeaderName.equalsIgnoreCase(bytes, nameStart(i), nameEnd(i), listed)) {
                return true;
            }
        }
        return false;
    }

    // Reference counted as its bytes are: no count of its own.

    @Override
    public int refCnt() {
        return bytes.refCnt();
    }

    @Override
    public MessageHead retain() {
        bytes.retain();
        return this;
    }

    @Override
    public MessageHead retain(int increment) {
        bytes.retain(increment);
        return this;
    }

    @Override
    public MessageHead touch() {
        bytes.touch();
        return this;
    }

    @Override
    public MessageHead touch(Object hint) {
        bytes.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        released = true;
        return bytes.release();
    }

    @Override
    public boolean release(int decrement) {
        released = true;
        return bytes.release(decrement);
    }
}
