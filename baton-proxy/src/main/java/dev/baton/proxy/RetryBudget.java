package dev.baton.proxy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Caps retries that re-send a request a backend may already have seen: at most {@code ratio} of
 * the requests in flight, but always at least {@code min}, may be retries at the same time (as in
 * Envoy's retry budgets). Keeps a failing backend from doubling the load on the healthy ones.
 */
final class RetryBudget {

    private final double ratio;
    private final int min;
    /** Requests in flight: counted on every request by every loop, read only when a retry asks. */
    private final LongAdder active = new LongAdder();
    private final AtomicInteger retrying = new AtomicInteger();

    RetryBudget(double ratio, int min) {
        this.ratio = ratio;
        this.min = min;
    }

    void requestStarted() {
        active.increment();
    }

    void requestEnded() {
        active.decrement();
    }

    /** Takes one retry from the budget if there is room; give it back with {@link #release()}. */
    boolean tryAcquire() {
        int limit = Math.max(min, (int) (active.sum() * ratio));
        while (true) {
            int r = retrying.get();
            if (r >= limit) {
                return false;
            }
            if (retrying.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    void release() {
        retrying.decrementAndGet();
    }
}
