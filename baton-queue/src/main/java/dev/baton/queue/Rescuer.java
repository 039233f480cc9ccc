package dev.baton.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts jobs whose lease expired back in the queue (or discards them when out of attempts).
 *
 * <p>Only one process rescues at a time: the holder of a transaction-scoped advisory lock; the others
 * return at once. The rows are picked and updated in the same statement, and the UPDATE re-checks
 * {@code state = 'RUNNING' AND lease_expires_at < now} on the locked row, so a job completed or
 * heartbeated a moment earlier is never touched (the bug where a rescuer overwrote a completed job
 * came from deciding on a stale read and writing later).
 */
final class Rescuer {

    private static final Logger log = LoggerFactory.getLogger(Rescuer.class);
    private static final int BATCH = 1_000;

    private static final String RESCUE = "UPDATE baton_jobs j SET "
            + "state = CASE WHEN j.attempt >= j.max_attempts THEN 'DISCARDED' ELSE 'AVAILABLE' END, "
            + "finished_at = CASE WHEN j.attempt >= j.max_attempts THEN " + QueueTime.NOW + " END, "
            + "last_error_at = " + QueueTime.NOW + ", "
            + "errors = j.errors || jsonb_build_array(jsonb_build_object('attempt', j.attempt, 'at', "
            + QueueTime.NOW_TEXT + ", "
            + "'error', 'lease expired (owner ' || coalesce(j.lease_owner, '?') || ')', 'version', j.version, "
            + "'outcome', 'lease_expired')), "
            + "lease_owner = NULL, lease_expires_at = NULL "
            + "WHERE j.state = 'RUNNING' AND j.lease_expires_at < " + QueueTime.NOW + " AND j.id IN ("
            + "SELECT id FROM baton_jobs WHERE state = 'RUNNING' AND lease_expires_at < " + QueueTime.NOW + " "
            + "ORDER BY lease_expires_at LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED)";

    /** Workers not seen for this many worker timeouts are forgotten by the rescuer. */
    static final int FORGET_AFTER_TIMEOUTS = 10;

    private final DataSource ds;
    private final QueueTime time;
    private final Duration workerTimeout;

    Rescuer(DataSource ds, QueueTime time, Duration workerTimeout) {
        this.ds = ds;
        this.time = time;
        this.workerTimeout = workerTimeout;
    }

    int rescueExpired() {
        int total = 0;
        int rescued;
        do {
            rescued = rescueBatch();
            total += rescued;
        } while (rescued == BATCH);
        if (total > 0) {
            log.debug("rescued {} jobs whose lease expired", total);
        }
        return total;
    }

    /** One batch in one transaction; 0 when another process holds the rescue lock. */
    private int rescueBatch() {
        OffsetDateTime now = time.now();
        return Sql.inTransaction(ds, "rescue expired jobs", c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, AdvisoryLock.QUEUE_RESCUE.key());
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        return 0;
                    }
                }
            }
            // Crashed workers never deregister; keep the registry from growing without bound.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM baton_workers WHERE last_seen < "
                    + QueueTime.NOW + " - " + QueueTime.INTERVAL)) {
                ps.setObject(1, now);
                ps.setLong(2, QueueTime.micros(workerTimeout.multipliedBy(FORGET_AFTER_TIMEOUTS)));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(RESCUE)) {
                for (int i = 1; i <= 5; i++) {
                    ps.setObject(i, now);
                }
                return ps.executeUpdate();
            }
        });
    }
}
