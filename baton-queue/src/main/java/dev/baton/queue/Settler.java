package dev.baton.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Ends or extends attempts. Every statement here is fenced on (id, RUNNING, lease owner, fence): a
 * worker whose lease expired and whose job was rescued or claimed again matches no row, so its late
 * call changes nothing and reports so.
 */
final class Settler {

    private static final String FENCE = " WHERE j.id = ? AND j.state = 'RUNNING' AND j.lease_owner = ? AND j.fence = ?";
    private static final String CLEAR_LEASE = "lease_owner = NULL, lease_expires_at = NULL";

    private final DataSource ds;
    private final QueueTime time;
    private final QueueConfig config;

    /**
     * A worker's heartbeat and its own batch completion touch the same rows at once. An UPDATE locks
     * rows in whatever order its plan visits them (sorting the id array does not fix that order), so
     * two such statements can deadlock. Both therefore lock first, explicitly in id order, in a CTE
     * with ORDER BY … FOR UPDATE, and update only what they locked. Each row is fenced on the claim
     * it was taken with: a lease rescued and claimed again by the same worker is a different claim.
     */
    private static final String HEARTBEAT = "WITH held AS (SELECT j.id FROM baton_jobs j "
            + "JOIN unnest(?::bigint[], ?::bigint[]) AS t(id, fence) ON j.id = t.id "
            + "WHERE j.state = 'RUNNING' AND j.lease_owner = ? AND j.fence = t.fence ORDER BY j.id FOR UPDATE OF j) "
            + "UPDATE baton_jobs j SET lease_expires_at = " + QueueTime.NOW + " + " + QueueTime.INTERVAL + " FROM held WHERE j.id = held.id RETURNING j.id, j.fence";

    Settler(DataSource ds, QueueTime time, QueueConfig config) {
        this.ds = ds;
        this.time = time;
        this.config = config;
    }

    Set<Lease> heartbeat(String workerId, Collection<Lease> leases) {
        if (workerId == null || workerId.isBlank()) {
            throw new IllegalArgumentException("workerId: must not be empty");
        }
        if (leases == null || leases.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("leases: must not be null or contain null");
        }
        if (leases.isEmpty()) {
            return Set.of();
        }
        OffsetDateTime now = time.now();
        return Sql.auto(ds, "heartbeat", c -> {
            try (PreparedStatement ps = c.prepareStatement(HEARTBEAT)) {
                ps.setArray(1, Sql.longs(c, leases.stream().map(Lease::jobId).toList()));
                ps.setArray(2, Sql.longs(c, leases.stream().map(Lease::fence).toList()));
                ps.setString(3, workerId);
                ps.setObject(4, now);
                ps.setLong(5, QueueTime.micros(config.leaseDuration()));
                Set<Lease> held = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        held.add(new Lease(rs.getLong(1), rs.getLong(2)));
                    }
                }
                return held;
            }
        });
    }

    boolean complete(Job job) {
        return update(job, "complete", "state = 'COMPLETED', finished_at = " + QueueTime.NOW + ", " + CLEAR_LEASE,
                time.now()) == 1;
    }

    /** One statement for the whole batch, each job fenced on its own claim. */
    Set<Long> completeAll(List<Job> jobs) {
        if (jobs == null || jobs.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("jobs: must not be null or contain null");
        }
        if (jobs.isEmpty()) {
            return Set.of();
        }
        OffsetDateTime now = time.now();
        return Sql.auto(ds, "complete " + jobs.size() + " jobs", c -> {
            List<Long> ids = new ArrayList<>(jobs.size());
            List<Long> fences = new ArrayList<>(jobs.size());
            List<String> owners = new ArrayList<>(jobs.size());
            for (Job job : jobs) {
                ids.add(job.id());
                fences.add(job.fence());
                owners.add(job.leaseOwner());
            }
            try (PreparedStatement ps = c.prepareStatement("WITH held AS (SELECT j.id FROM baton_jobs j "
                    + "JOIN unnest(?::bigint[], ?::bigint[], ?::text[]) AS t(id, fence, owner) ON j.id = t.id "
                    + "WHERE j.state = 'RUNNING' AND j.lease_owner = t.owner AND j.fence = t.fence "
                    + "ORDER BY j.id FOR UPDATE OF j) "
                    + "UPDATE baton_jobs j SET state = 'COMPLETED', finished_at = " + QueueTime.NOW + ", " + CLEAR_LEASE
                    + " FROM held WHERE j.id = held.id RETURNING j.id")) {
                ps.setArray(1, Sql.longs(c, ids));
                ps.setArray(2, Sql.longs(c, fences));
                ps.setArray(3, Sql.texts(c, owners));
                ps.setObject(4, now);
                Set<Long> completed = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        completed.add(rs.getLong(1));
                    }
                }
                return completed;
            }
        });
    }

    FailOutcome fail(Job job, String error) {
        OffsetDateTime now = time.now();
        Duration backoff = config.retryPolicy().backoff(Math.max(1, job.attempt()));
        String sql = "UPDATE baton_jobs j SET "
                + "state = CASE WHEN j.attempt >= j.max_attempts THEN 'DISCARDED' ELSE 'AVAILABLE' END, "
                + "run_at = CASE WHEN j.attempt >= j.max_attempts THEN j.run_at ELSE " + QueueTime.NOW + " + "
                + QueueTime.INTERVAL + " END, "
                + "finished_at = CASE WHEN j.attempt >= j.max_attempts THEN " + QueueTime.NOW + " END, "
                + "last_error_at = " + QueueTime.NOW + ", " + CLEAR_LEASE + ", " + ErrorHistory.APPEND + FENCE + " RETURNING j.state";
        return Sql.auto(ds, "fail job " + job.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, now);
                ps.setLong(2, QueueTime.micros(backoff));
                ps.setObject(3, now);
                ps.setObject(4, now);
                ps.setObject(5, now);
                ps.setString(6, ErrorHistory.message(error));
                ps.setString(7, ErrorHistory.Outcome.FAILED.json());
                bindFence(ps, 8, job);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return FailOutcome.FENCED;
                    }
                    return JobState.valueOf(rs.getString(1)) == JobState.DISCARDED
                            ? FailOutcome.DISCARDED : FailOutcome.RETRYING;
                }
            }
        });
    }

    boolean retryLater(Job job, Duration delay, String reason) {
        Durations.checkNonNegative("delay", delay);
        OffsetDateTime now = time.now();
        return update(job, "retry job later", "state = 'AVAILABLE', attempt = j.attempt - 1, run_at = "
                + QueueTime.NOW + " + " + QueueTime.INTERVAL + ", " + CLEAR_LEASE + ", " + ErrorHistory.APPEND,
                now, QueueTime.micros(delay), now, ErrorHistory.message(reason),
                ErrorHistory.Outcome.RETRY_LATER.json()) == 1;
    }

    boolean discard(Job job, String reason) {
        OffsetDateTime now = time.now();
        return update(job, "discard job", "state = 'DISCARDED', finished_at = " + QueueTime.NOW + ", last_error_at = "
                + QueueTime.NOW + ", " + CLEAR_LEASE + ", " + ErrorHistory.APPEND,
                now, now, now, ErrorHistory.message(reason), ErrorHistory.Outcome.DISCARDED.json()) == 1;
    }

    /** Back in its old place in the queue (run_at unchanged), the attempt given back. */
    boolean release(Job job) {
        return update(job, "release job", "state = 'AVAILABLE', attempt = j.attempt - 1, " + CLEAR_LEASE) == 1;
    }

    private int update(Job job, String what, String set, Object... params) {
        if (job == null) {
            throw new IllegalArgumentException("job: must not be null");
        }
        return Sql.auto(ds, what + " " + job.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE baton_jobs j SET " + set + FENCE)) {
                int i = 1;
                for (Object p : params) {
                    ps.setObject(i++, p);
                }
                bindFence(ps, i, job);
                return ps.executeUpdate();
            }
        });
    }

    private static void bindFence(PreparedStatement ps, int i, Job job) throws java.sql.SQLException {
        ps.setLong(i, job.id());
        ps.setString(i + 1, job.leaseOwner());
        ps.setLong(i + 2, job.fence());
    }
}
