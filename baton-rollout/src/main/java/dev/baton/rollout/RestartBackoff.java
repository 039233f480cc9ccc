package dev.baton.rollout;

import java.time.Duration;

/**
 * How long a {@link Supervisor} waits before restarting a slot whose instance crashed: {@code initial} after the
 * first crash, doubling with every crash in a row up to {@code max}; an instance that stays ready for
 * {@code resetAfter} clears the count, as Kubernetes does for a container that ran long enough.
 */
public record RestartBackoff(Duration initial, Duration max, Duration resetAfter) {
    /** 1 s doubling to 60 s, reset after 60 s ready. */
    public static final RestartBackoff DEFAULT = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60),
            Duration.ofSeconds(60));

    public RestartBackoff {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("backoff.initial: must be > 0, got " + initial);
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff.max: must be >= initial (" + initial + "), got " + max);
        }
        if (resetAfter == null || resetAfter.isNegative() || resetAfter.isZero()) {
            throw new IllegalArgumentException("backoff.reset_after: must be > 0, got " + resetAfter);
        }
    }

    /** The wait before the restart that follows the {@code crashesInARow}-th crash in a row (1 → {@code initial}). */
    public Duration delay(int crashesInARow) {
        if (crashesInARow <= 1) {
            return initial;
        }
        int doublings = Math.min(crashesInARow - 1, 62);
        Duration d = initial;
        for (int k = 0; k < doublings && d.compareTo(max) < 0; k++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}
