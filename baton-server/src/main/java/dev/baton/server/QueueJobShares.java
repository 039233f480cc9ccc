package dev.baton.server;

import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRouting;
import dev.baton.queue.WriteFence;
import dev.baton.queue.VersionJobStats;
import dev.baton.rollout.JobShares;
import dev.baton.rollout.JobStats;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link JobShares} over the queue: shares go to the queue's per-version routing (a canary's workers get the
 * same share of jobs as of traffic), stats come from {@link JobQueue#versionStats}, and after a canary rollback
 * the jobs it failed are retried by the stable version.
 */
final class QueueJobShares implements JobShares {
    private final JobQueue queue;
    private final JobRouting routing;
    private final WriteFence fence;

    /** @param fence what every routing write and retry checks first (the leader's term) */
    QueueJobShares(JobQueue queue, WriteFence fence) {
        this.queue = queue;
        this.routing = queue.routing(fence);
        this.fence = fence;
    }

    @Override
    public void setShares(LinkedHashMap<String, Integer> percentByVersion) {
        routing.setShares(percentByVersion);
    }

    @Override
    public void clear() {
        routing.clear();
    }

    @Override
    public int retryFailedBy(String version, Instant since) {
        return queue.retryFailedBy(version, since, fence);
    }

    @Override
    public Map<String, JobStats> stats(Instant since) {
        Map<String, JobStats> out = new TreeMap<>();
        for (Map.Entry<String, VersionJobStats> e : queue.versionStats(since).entrySet()) {
            VersionJobStats s = e.getValue();
            out.put(e.getKey(), new JobStats(s.completed(), s.failed() + s.discarded()));
        }
        return out;
    }
}
