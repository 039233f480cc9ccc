package dev.baton.queue;

import java.time.Duration;

/**
 * What the workers of one version did with jobs since a point in time.
 *
 * @param completed jobs this version completed
 * @param failed failed attempts by this version (failures and expired leases)
 * @param discarded jobs this version discarded
 * @param meanDuration mean time from claim to completion of the completed jobs, null when none
 * @param p99Duration 99th percentile of the same, null when none
 */
public record VersionJobStats(String version, long completed, long failed, long discarded, Duration meanDuration,
                              Duration p99Duration) {

    /** Counts only, without durations. */
    public VersionJobStats(String version, long completed, long failed, long discarded) {
        this(version, completed, failed, discarded, null, null);
    }

    /** Failed attempts over all finished attempts (completed + failed); 0 when there were none. */
    public double failureRate() {
        long total = completed + failed;
        return total == 0 ? 0 : (double) failed / total;
    }
}
