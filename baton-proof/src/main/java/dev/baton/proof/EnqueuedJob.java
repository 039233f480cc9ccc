package dev.baton.proof;

/**
 * One job a {@link JobLoad} tried to enqueue.
 *
 * @param key its key: payload {@code key} and the queue's unique key
 * @param jobId the id the queue returned, or {@code -1} when the enqueue call failed (the job may still
 *     exist if the commit happened; {@link Invariants} looks it up by key)
 * @param intendedNanos when it was due on the timeline ({@link System#nanoTime()})
 * @param error why the enqueue call failed, or {@code null}
 */
public record EnqueuedJob(String key, long jobId, long intendedNanos, String error) {

    public boolean acknowledged() {
        return jobId >= 0;
    }
}
