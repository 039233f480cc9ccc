package dev.baton.proxy;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs at most one warning per interval for events any client can cause (malformed requests,
 * failing health checks), and says how many were left out, so that nobody can grow the log at will.
 * Thread-safe and lock-free.
 */
final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong next;
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    RateLimitedLog(Logger log, Duration interval, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.next = new AtomicLong(nanoClock.getAsLong());
    }

    /** Logs {@code message} (SLF4J format) at WARN unless one was logged within the interval. */
    boolean warn(String message, Object... args) {
        long now = nanoClock.getAsLong();
        long due = next.get();
        if (now - due < 0 || !next.compareAndSet(due, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return false;
        }
        long left = suppressed.getAndSet(0);
        if (left > 0) {
            log.warn(message + " ({} more like it not logged)", append(args, left));
        } else {
            log.warn(message, args);
        }
        return true;
    }

    private static Object[] append(Object[] args, Object last) {
        Object[] out = Arrays.copyOf(args, args.length + 1);
        out[args.length] = last;
        return out;
    }
}
