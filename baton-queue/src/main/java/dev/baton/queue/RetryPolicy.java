package dev.baton.queue;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** How long a failed job waits before its next attempt. */
public interface RetryPolicy {

    /**
     * The wait before the next attempt.
     *
     * @param attempt the attempt that just failed, 1-based
     */
    Duration backoff(int attempt);

    /**
     * {@code base × 2^(attempt-1)}, capped at {@code max}, then spread by ± {@code jitterFraction}
     * (0.2 = ±20%) so that jobs failing together do not retry together.
     */
    static RetryPolicy exponential(Duration base, Duration max, double jitterFraction) {
        return new Exponential(base, max, jitterFraction);
    }

    /** The same wait after every failure. */
    static RetryPolicy fixed(Duration d) {
        return new Fixed(d);
    }

    /** See {@link RetryPolicy#exponential}. */
    record Exponential(Duration base, Duration max, double jitterFraction) implements RetryPolicy {

        public Exponential {
            Durations.check("base", base);
            Durations.check("max", max);
            if (max.compareTo(base) < 0) {
                throw new IllegalArgumentException("max: must be at least base " + base + ", got " + max);
            }
            if (!(jitterFraction >= 0 && jitterFraction < 1)) {
                throw new IllegalArgumentException("jitterFraction: must be within [0, 1), got " + jitterFraction);
            }
        }

        @Override
        public Duration backoff(int attempt) {
            Durations.checkAttempt(attempt);
            double millis = Math.min(base.toMillis() * Math.pow(2, Math.min(attempt - 1, 62)), max.toMillis());
            if (jitterFraction > 0) {
                millis *= 1 + ThreadLocalRandom.current().nextDouble(-jitterFraction, jitterFraction);
            }
            return Duration.ofMillis(Math.max(0, Math.round(millis)));
        }
    }

    /** See {@link RetryPolicy#fixed}. */
    record Fixed(Duration delay) implements RetryPolicy {

        public Fixed {
            Durations.check("delay", delay);
        }

        @Override
        public Duration backoff(int attempt) {
            Durations.checkAttempt(attempt);
            return delay;
        }
    }
}
