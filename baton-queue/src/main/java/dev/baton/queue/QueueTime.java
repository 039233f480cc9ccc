package dev.baton.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Where the queue's times come from: the database's clock, so that processes on several machines
 * with skewed clocks still agree on when a lease runs out (a rescuer comparing another host's lease
 * time with its own clock would hand a live job to a second worker). Tests may bind a clock of their
 * own instead, the way River binds {@code coalesce(@now, now())}.
 *
 * <p>Every "now" in the queue's SQL is {@link #NOW}; each statement binds {@link #now()} to every
 * occurrence — null in production, which leaves {@code now()}.
 */
final class QueueTime {

    /** The current time in SQL: the bound test time, else the database's {@code now()}. One parameter. */
    static final String NOW = "coalesce(?::timestamptz, now())";

    /** {@link #NOW} as ISO-8601 UTC text, the form of the error history's {@code at}. One parameter. */
    static final String NOW_TEXT = "to_char(" + NOW + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

    /** A duration in SQL; bind {@link #micros(Duration)}. One parameter. */
    static final String INTERVAL = "(?::bigint * interval '1 microsecond')";

    static final QueueTime DATABASE = new QueueTime(null);

    private final Clock testClock;

    private QueueTime(Clock testClock) {
        this.testClock = testClock;
    }

    /** Times from {@code clock} instead of the database: for tests that move time. */
    static QueueTime of(Clock clock) {
        if (clock == null) {
            throw new IllegalArgumentException("clock: must not be null");
        }
        return new QueueTime(clock);
    }

    /** The value to bind to every {@link #NOW} of one statement: null means the database's clock. */
    OffsetDateTime now() {
        return testClock == null ? null : Sql.ts(testClock.instant());
    }

    static long micros(Duration d) {
        return d.toNanos() / 1_000;
    }
}
