package dev.baton.queue;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import javax.sql.DataSource;

/** Commands on finished jobs: retry dead letters, retry what a rolled-back version failed, prune. */
final class Maintenance {

    private static final int PRUNE_BATCH = 10_000;

    /**
     * Whether dead job {@code j} may come back: only when no unfinished job holds its unique key (a newer live
     * job of that key does the work, so the dead letter stays dead), and only the newest dead job of a key (two
     * dead jobs of one key retried in one statement would both see the key free, then collide on the unique index).
     */
    static final String KEY_FREE = "(j.unique_key IS NULL OR (NOT EXISTS (SELECT 1 FROM baton_jobs o "
            + "WHERE o.unique_key = j.unique_key AND o.state IN " + Sql.UNFINISHED + ") "
            + "AND j.id = (SELECT max(d.id) FROM baton_jobs d WHERE d.unique_key = j.unique_key "
            + "AND d.state = 'DISCARDED')))";

    private final DataSource ds;
    private final QueueTime time;
    private final Duration retention;

    Maintenance(DataSource ds, QueueTime time, Duration retention) {
        this.ds = ds;
        this.time = time;
        this.retention = retention;
    }

    /** The dead letters among {@code ids} run again now, from attempt 0, where their key is free; returns how many. */
    int retryDiscarded(Collection<Long> ids) {
        if (ids == null || ids.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("ids: must not be null or contain null");
        }
        if (ids.isEmpty()) {
            return 0;
        }
        OffsetDateTime now = time.now();
        return Sql.auto(ds, "retry discarded jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE baton_jobs j SET state = 'AVAILABLE', "
                    + "attempt = 0, run_at = " + QueueTime.NOW + ", finished_at = NULL WHERE j.id = ANY(?) AND j.state = 'DISCARDED' AND "
                    + KEY_FREE)) {
                ps.setObject(1, now);
                ps.setArray(2, Sql.longs(c, ids));
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Jobs that {@code version} failed (waiting for a retry) or discarded since {@code since} run again
     * now, and the attempts that version burned are given back: its failures were its own fault. The update runs
     * after {@code fence}'s check, in its transaction.
     */
    int retryFailedBy(String version, Instant since, WriteFence fence) {
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("version: must not be empty");
        }
        if (since == null) {
            throw new IllegalArgumentException("since: must not be null");
        }
        OffsetDateTime now = time.now();
        return Sql.inTransaction(ds, "retry jobs failed by " + version, c -> {
            fence.check(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE baton_jobs j SET state = 'AVAILABLE', "
                    + "run_at = " + QueueTime.NOW + ", finished_at = NULL, attempt = greatest(0, j.attempt - f.burned) "
                    + "FROM (SELECT b.id, count(*) AS burned FROM baton_jobs b, jsonb_array_elements(b.errors) e "
                    + "WHERE b.last_error_at >= ? AND b.state IN ('AVAILABLE', 'DISCARDED') "
                    + "AND e->>'version' = ? AND e->>'outcome' IN ('failed', 'lease_expired', 'discarded') "
                    + "AND (e->>'at')::timestamptz >= ? GROUP BY b.id) f "
                    + "WHERE j.id = f.id AND j.state IN ('AVAILABLE', 'DISCARDED') "
                    + "AND (j.state = 'AVAILABLE' OR " + KEY_FREE + ")")) {
                ps.setObject(1, now);
                ps.setObject(2, Sql.ts(since));
                ps.setString(3, version);
                ps.setObject(4, Sql.ts(since));
                return ps.executeUpdate();
            }
        });
    }

    /** Deletes completed jobs older than the retention, in batches; returns how many. */
    int prune() {
        OffsetDateTime now = time.now();
        int total = 0;
        int deleted;
        do {
            deleted = Sql.auto(ds, "prune completed jobs", c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM baton_jobs WHERE id IN (SELECT id "
                        + "FROM baton_jobs WHERE state = 'COMPLETED' AND finished_at < " + QueueTime.NOW + " - "
                        + QueueTime.INTERVAL + " LIMIT " + PRUNE_BATCH + ")")) {
                    ps.setObject(1, now);
                    ps.setLong(2, QueueTime.micros(retention));
                    return ps.executeUpdate();
                }
            });
            total += deleted;
        } while (deleted == PRUNE_BATCH);
        return total;
    }
}
