package dev.baton.worker;

/**
 * Does the work of one kind of job. Runs on its own virtual thread.
 *
 * <p>Return normally to complete the job (a {@code null} result counts as {@link JobResult#complete()});
 * return {@link JobResult#retryLater} or {@link JobResult#discard} to decide otherwise. Throwing
 * anything, including an {@link Error}, fails the attempt with the exception recorded, and the
 * queue's retry policy decides when it runs again; an {@link InvalidPayloadException} discards the
 * job at once, since retrying cannot fix its payload.
 *
 * <p>A job may run more than once (a worker can be killed after the work but before recording it),
 * so make its effects idempotent, e.g. keyed by the job's unique key. When the worker loses the
 * job's lease or runs out of stop time, the handler's thread is interrupted and
 * {@link JobContext#isCancelled()} turns true: stop soon, the result will not be recorded.
 */
@FunctionalInterface
public interface JobHandler {

    JobResult handle(JobContext context) throws Exception;
}
