package dev.baton.queue;

import java.time.Duration;

/**
 * How the queue behaves. Every duration must be positive and at most 30 days.
 *
 * @param leaseDuration how long a claim holds a job without a heartbeat
 * @param retryPolicy the wait after a failed attempt
 * @param completedRetention how long completed jobs are kept before {@link JobQueue#prune()} deletes them
 * @param workerTimeout a worker not seen for this long is not live (see {@link WorkerRegistry#live()})
 */
public record QueueConfig(Duration leaseDuration, RetryPolicy retryPolicy, Duration completedRetention,
                          Duration workerTimeout) {

    public QueueConfig {
        Durations.check("leaseDuration", leaseDuration);
        if (retryPolicy == null) {
            throw new IllegalArgumentException("retryPolicy: must not be null");
        }
        Durations.check("completedRetention", completedRetention);
        Durations.check("workerTimeout", workerTimeout);
    }

    /** Lease 30 s, exponential backoff 1 s .. 1 h with ±20% jitter, retention 24 h, worker timeout 60 s. */
    public static QueueConfig defaults() {
        Duration lease = Duration.ofSeconds(30);
        return new QueueConfig(lease, RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofHours(1), 0.2),
                Duration.ofHours(24), lease.multipliedBy(2));
    }

    public QueueConfig withLeaseDuration(Duration d) {
        return new QueueConfig(d, retryPolicy, completedRetention, workerTimeout);
    }

    public QueueConfig withRetryPolicy(RetryPolicy p) {
        return new QueueConfig(leaseDuration, p, completedRetention, workerTimeout);
    }

    public QueueConfig withCompletedRetention(Duration d) {
        return new QueueConfig(leaseDuration, retryPolicy, d, workerTimeout);
    }

    public QueueConfig withWorkerTimeout(Duration d) {
        return new QueueConfig(leaseDuration, retryPolicy, completedRetention, d);
    }
}
