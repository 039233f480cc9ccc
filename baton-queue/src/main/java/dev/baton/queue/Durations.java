package dev.baton.queue;

import java.time.Duration;

/** Validation shared by every duration the queue accepts. */
final class Durations {

    /** Nothing the queue waits for is longer than this; anything longer is a unit mistake. */
    static final Duration MAX = Duration.ofDays(30);

    private Durations() {}

    /** Positive and at most 30 days, or an error naming {@code field}. */
    static Duration check(String field, Duration d) {
        if (d == null) {
            throw new IllegalArgumentException(field + ": must not be null");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + ": must be positive, got " + d);
        }
        return checkMax(field, d);
    }

    /** Zero or more and at most 30 days, or an error naming {@code field}. */
    static Duration checkNonNegative(String field, Duration d) {
        if (d == null) {
            throw new IllegalArgumentException(field + ": must not be null");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(field + ": must not be negative, got " + d);
        }
        return checkMax(field, d);
    }

    static void checkAttempt(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt: must be at least 1, got " + attempt);
        }
    }

    private static Duration checkMax(String field, Duration d) {
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(field + ": must be at most " + MAX + ", got " + d);
        }
        return d;
    }
}
