package dev.baton.worker;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The jobs running now and the free slots. A slot is taken before a claim and given back when the
 * job's outcome is recorded (for a completion: once its batch is durable), so running handlers never
 * exceed the concurrency limit and a stop that waits for the slots waits for the outcomes too.
 */
final class InFlight {

    private final Semaphore slots;
    // Keyed by execution, not job id: after a lease expires this worker may claim the same job again
    // while its first handler is still winding down.
    private final Set<Execution> running = ConcurrentHashMap.newKeySet();
    private final Runnable onSlotFreed;

    InFlight(int concurrency, Runnable onSlotFreed) {
        this.slots = new Semaphore(concurrency);
        this.onSlotFreed = onSlotFreed;
    }

    /** Takes every free slot; give back the ones not used with {@link #unreserve}. */
    int reserveFree() {
        return slots.drainPermits();
    }

    void unreserve(int n) {
        if (n > 0) {
            slots.release(n);
        }
    }

    /** A reserved slot becomes this execution's. */
    void add(Execution e) {
        running.add(e);
    }

    /** The job's outcome is recorded (or given up): its slot is free again. */
    void remove(Execution e) {
        removeAll(List.of(e));
    }

    /** Frees the slots of a whole batch at once, so the next claim can take as many jobs. */
    void removeAll(List<Execution> done) {
        int freed = 0;
        for (Execution e : done) {
            if (running.remove(e)) {
                freed++;
            }
        }
        if (freed == 0) {
            return;
        }
        slots.release(freed);
        synchronized (this) {
            notifyAll();
        }
        onSlotFreed.run();
    }

    List<Execution> snapshot() {
        return List.copyOf(running);
    }

    int size() {
        return running.size();
    }

    /** Waits until nothing runs or the deadline ({@link System#nanoTime()}) passes; true when empty. */
    synchronized boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
        while (!running.isEmpty()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000), 0);
        }
        return true;
    }
}
