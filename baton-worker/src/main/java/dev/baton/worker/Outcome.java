package dev.baton.worker;

import java.time.Duration;

/**
 * What the worker will record for a job once its handler ended: the decision, as a value, that
 * {@link JobRunner} applies to the queue.
 */
sealed interface Outcome {

    record Complete() implements Outcome {}

    /** The attempt failed; the queue retries with backoff or discards after the last attempt. */
    record Fail(String error) implements Outcome {}

    record RetryLater(Duration delay, String reason) implements Outcome {}

    record Discard(String reason) implements Outcome {}

    /** Hand the job back unfinished, attempt not counted (stop ran out of time). */
    record Release() implements Outcome {}

    /** Record nothing: the lease is gone and another worker may own the job. */
    record Abandon() implements Outcome {}

    /**
     * Decides from how the handler ended.
     *
     * @param result what the handler returned, when it returned
     * @param thrown what it threw, or {@code null}
     * @param cancel why the worker cancelled it, or {@code null}
     */
    static Outcome decide(JobResult result, Throwable thrown, CancelReason cancel) {
        if (cancel == CancelReason.LEASE_LOST) {
            return new Abandon();
        }
        if (thrown == null) {
            // Even when cancelled for shutdown: a handler that still returned did its work, so record it.
            return switch (result) {
                case null -> new Complete();
                case JobResult.Complete c -> new Complete();
                case JobResult.RetryLater r -> new RetryLater(r.delay(), r.reason());
                case JobResult.Discard d -> new Discard(d.reason());
            };
        }
        if (cancel == CancelReason.SHUTDOWN) {
            return new Release();
        }
        if (thrown instanceof InvalidPayloadException) {
            return new Discard(thrown.getMessage());
        }
        return new Fail(Failures.forJob(thrown));
    }
}
