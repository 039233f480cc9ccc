package dev.baton.queue;

import java.time.Instant;
import java.util.List;

/**
 * A job as read from the queue.
 *
 * @param attempt counted attempts: +1 on claim, given back by release and retryLater
 * @param bucket routing bucket 0..99, fixed at enqueue (see {@link JobRouting})
 * @param runAt when the job becomes claimable
 * @param leaseOwner the worker holding the job while RUNNING, else null
 * @param leaseExpiresAt when the lease runs out unless heartbeated, else null
 * @param fence per-job claim counter: +1 on every claim, never decremented; settle calls are
 *     fenced on (id, RUNNING, leaseOwner, fence), so a holder whose lease was taken over is rejected
 * @param version version of the worker that claimed it last, null when unversioned or never claimed
 * @param errors the error messages recorded so far, oldest first (the full history, with attempt,
 *     time and version of each entry, is the {@code errors} JSON column)
 */
public record Job(long id, String kind, String queue, String payload, int priority, JobState state,
                  int attempt, int maxAttempts, int bucket, String uniqueKey, Instant runAt, Instant createdAt,
                  String leaseOwner, Instant leaseExpiresAt, long fence, String version, List<String> errors) {

    public Job {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** This claim of the job, what a heartbeat names. */
    public Lease lease() {
        return new Lease(id, fence);
    }
}
