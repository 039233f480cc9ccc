package dev.baton.queue;

/**
 * Where a job is in its life.
 *
 * <pre>
 * AVAILABLE ──claim──▶ RUNNING ──complete──▶ COMPLETED
 *     ▲                  │  └──discard / out of attempts──▶ DISCARDED
 *     └─fail / release / retryLater / rescue─┘                  │
 *     ▲──────────────────retryDiscarded──────────────────────────┘
 * </pre>
 *
 * An {@code AVAILABLE} job whose run-at time is in the future is scheduled (or waiting for a retry).
 */
public enum JobState {
    /** Waiting to be claimed (at or after its run-at time). */
    AVAILABLE,
    /** Claimed by a worker that holds a lease on it. */
    RUNNING,
    /** Done; kept until pruned. */
    COMPLETED,
    /** Dead letter: out of attempts or discarded by its handler; can be retried by command. */
    DISCARDED
}
