package dev.baton.worker;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Wakes the claim loop early: a job was enqueued, a slot freed up, or the worker is stopping. */
final class WakeSignal {

    private final Semaphore permit = new Semaphore(0);

    void wake() {
        if (permit.availablePermits() == 0) {
            permit.release();
        }
    }

    /** Waits for a wake-up or the timeout, whichever comes first. */
    void await(Duration timeout) throws InterruptedException {
        if (permit.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            permit.drainPermits();
        }
    }
}
