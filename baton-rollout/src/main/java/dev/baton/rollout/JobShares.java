package dev.baton.rollout;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The controller's hold on the job queue's per-version routing (the server implements it with the
 * queue's {@code JobRouting}, {@code retryFailedBy} and {@code versionStats}).
 */
public interface JobShares {
    /** Job percent per version, summing to 100: a worker of version v claims the jobs in v's buckets. */
    void setShares(LinkedHashMap<String, Integer> percentByVersion);

    /** No routing: every worker claims every job it has a handler for. */
    void clear();

    /** Puts the jobs {@code version} failed or discarded since {@code since} back in the queue; returns how many. */
    int retryFailedBy(String version, Instant since);

    /** Job attempts per worker version since {@code since}. */
    Map<String, JobStats> stats(Instant since);

    /** For apps without workers: nothing to route. */
    static JobShares none() {
        return new JobShares() {
            @Override public void setShares(LinkedHashMap<String, Integer> percentByVersion) {}
            @Override public void clear() {}
            @Override public int retryFailedBy(String version, Instant since) { return 0; }
            @Override public Map<String, JobStats> stats(Instant since) { return Map.of(); }
        };
    }
}
