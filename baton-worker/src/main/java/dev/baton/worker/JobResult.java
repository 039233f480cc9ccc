package dev.baton.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link JobHandler} decided about its job. The worker applies it to the queue: handlers
 * return decisions, they never call the queue themselves.
 */
public sealed interface JobResult {

    /** The job is done. */
    static JobResult complete() {
        return Complete.INSTANCE;
    }

    /**
     * Put the job back to run again after {@code delay}; the attempt is not counted against
     * {@code maxAttempts} (e.g. a rate limit or a dependency that said "later").
     */
    static JobResult retryLater(Duration delay, String reason) {
        return new RetryLater(delay, reason);
    }

    /** Give up on the job now, whatever attempts are left (dead letter), recording why. */
    static JobResult discard(String reason) {
        return new Discard(reason);
    }

    /** See {@link JobResult#complete()}. */
    record Complete() implements JobResult {
        static final Complete INSTANCE = new Complete();
    }

    /** See {@link JobResult#retryLater(Duration, String)}. */
    record RetryLater(Duration delay, String reason) implements JobResult {
        public RetryLater {
            if (delay == null || delay.isNegative() || delay.compareTo(WorkerConfig.MAX_DURATION) > 0) {
                throw new IllegalArgumentException("delay: must be within PT0S.." + WorkerConfig.MAX_DURATION
                        + ", got " + delay);
            }
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** See {@link JobResult#discard(String)}. */
    record Discard(String reason) implements JobResult {
        public Discard {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
