package dev.baton.proxy;

/**
 * Deadlines that all last the same time (e.g. the backend timeout), kept in arming order, which is
 * then also deadline order: expiring looks only at the head, and arming or disarming is a constant-time
 * link change. Replaces a scheduled task per request. Confined to one event loop.
 */
final class DeadlineQueue {

    private final long durationNanos;
    private Deadline head;
    private Deadline tail;

    DeadlineQueue(long durationNanos) {
        this.durationNanos = durationNanos;
    }

    /** Arms {@code d} to expire {@code duration} after {@code nowNanos}, re-arming it if it was armed. */
    void arm(Deadline d, long nowNanos) {
        disarm(d);
        d.at = nowNanos + durationNanos;
        d.queue = this;
        d.prev = tail;
        if (tail == null) {
            head = d;
        } else {
            tail.next = d;
        }
        tail = d;
    }

    /** Disarms {@code d} if this queue holds it. */
    void disarm(Deadline d) {
        if (d.queue != this) {
            if (d.queue != null) {
                d.queue.disarm(d);
            }
            return;
        }
        if (d.prev == null) {
            head = d.next;
        } else {
            d.prev.next = d.next;
        }
        if (d.next == null) {
            tail = d.prev;
        } else {
            d.next.prev = d.prev;
        }
        d.prev = null;
        d.next = null;
        d.queue = null;
    }

    /** Disarms and returns the head if its deadline has passed at {@code nowNanos}, else null. */
    Deadline pollExpired(long nowNanos) {
        Deadline d = head;
        if (d == null || d.at - nowNanos > 0) {
            return null;
        }
        disarm(d);
        return d;
    }

    boolean isEmpty() {
        return head == null;
    }
}
