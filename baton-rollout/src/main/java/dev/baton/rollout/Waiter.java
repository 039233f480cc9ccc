package dev.baton.rollout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** How the engine waits: until a time, or until woken (a command, a crash). Tests move a clock instead. */
public interface Waiter {
    /** Returns when {@code deadline} (null: none) has passed on the clock or {@code wake} is true. */
    void awaitUntil(Instant deadline, BooleanSupplier wake) throws InterruptedException;

    /** Makes a waiting {@link #awaitUntil} re-check {@code wake} now. */
    void wakeUp();

    /** Waits on a monitor, re-checking at least every {@code tick}, against {@code clock}. */
    static Waiter onClock(Clock clock, Duration tick) {
        return new Waiter() {
            private final Object monitor = new Object();

            @Override
            public void awaitUntil(Instant deadline, BooleanSupplier wake) throws InterruptedException {
                synchronized (monitor) {
                    while (!wake.getAsBoolean()) {
                        Instant now = clock.instant();
                        if (deadline != null && !now.isBefore(deadline)) {
                            return;
                        }
                        long ms = deadline == null ? tick.toMillis()
                                : Math.min(tick.toMillis(), Math.max(1, Duration.between(now, deadline).toMillis()));
                        monitor.wait(ms);
                    }
                }
            }

            @Override
            public void wakeUp() {
                synchronized (monitor) {
                    monitor.notifyAll();
                }
            }
        };
    }
}
