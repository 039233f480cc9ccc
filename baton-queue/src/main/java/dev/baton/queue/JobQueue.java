package dev.baton.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The durable job queue on PostgreSQL, shared safely by workers of several versions.
 *
 * <p>Every queue time — run-at, lease expiry, heartbeat, rescue, registry — comes from the database's
 * clock ({@code now()}), so that processes on machines whose clocks disagree never disagree on whether
 * a lease ran out. Tests may pass a {@link Clock} instead, to move time rather than sleep. The tables
 * must exist: call {@link QueueSchema#migrate} first. Thread-safe; one instance per process is enough.
 */
public final class JobQueue {

    private final DataSource ds;
    private final Enqueuer enqueuer;
    private final Claimer claimer;
    private final Settler settler;
    private final Rescuer rescuer;
    private final Maintenance maintenance;
    private final StatsQueries stats;
    private final PgJobRouting routing;
    private final PgWorkerRegistry workers;

    /** A queue whose times all come from the database's clock. */
    public JobQueue(DataSource ds, QueueConfig config) {
        this(ds, config, QueueTime.DATABASE);
    }

    /**
     * A queue whose times all come from {@code testClock} instead of the database: for tests that move
     * time. Never in production, where processes on several machines must share one clock.
     */
    public JobQueue(DataSource ds, QueueConfig config, Clock testClock) {
        this(ds, config, QueueTime.of(testClock));
    }

    private JobQueue(DataSource ds, QueueConfig config, QueueTime time) {
        if (ds == null) {
            throw new IllegalArgumentException("dataSource: must not be null");
        }
        if (config == null) {
            throw new IllegalArgumentException("config: must not be null");
        }
        this.ds = ds;
        this.workers = new PgWorkerRegistry(ds, time, config.workerTimeout(), this::workersChanged);
        this.routing = new PgJobRouting(ds, workers);
        this.enqueuer = new Enqueuer(time);
        this.claimer = new Claimer(ds, time, config.leaseDuration(), routing);
        this.settler = new Settler(ds, time, config);
        this.rescuer = new Rescuer(ds, time, config.workerTimeout());
        this.maintenance = new Maintenance(ds, time, config.completedRetention());
        this.stats = new StatsQueries(ds, time);
    }

    /** Enqueues one job in its own transaction. */
    public Enqueued enqueue(JobRequest r) {
        return Sql.auto(ds, "enqueue", c -> enqueuer.enqueue(c, r));
    }

    /**
     * Enqueues one job inside the caller's transaction: it exists only if the caller commits.
     * Never commits, rolls back or closes {@code tx}.
     */
    public Enqueued enqueue(Connection tx, JobRequest r) {
        if (tx == null) {
            throw new IllegalArgumentException("tx: must not be null");
        }
        try {
            return enqueuer.enqueue(tx, r);
        } catch (SQLException e) {
            throw Sql.failure("enqueue", e);
        }
    }

    /** Enqueues all jobs in one transaction with a few statements; results are in request order. */
    public List<Enqueued> enqueueAll(List<JobRequest> rs) {
        return Sql.inTransaction(ds, "enqueue batch", c -> enqueuer.enqueueAll(c, rs));
    }

    /**
     * Claims up to {@code req.limit()} jobs of the kinds the caller handles, highest priority first,
     * then oldest run-at, then id, in one statement. Each comes back RUNNING with a lease owned by
     * {@code req.workerId()}, attempt +1 and fence +1. Honours job routing (see {@link JobRouting}).
     */
    public List<Job> claim(ClaimRequest req) {
        return claimer.claim(req);
    }

    /**
     * Extends the leases {@code workerId} still holds, each fenced on its own claim; returns the ones
     * still held. A lease not returned is gone (rescued, or claimed again — even by this worker): its
     * execution must stop, because its result can no longer be recorded.
     */
    public Set<Lease> heartbeat(String workerId, Collection<Lease> leases) {
        return settler.heartbeat(workerId, leases);
    }

    /** Marks the job completed; false when the caller no longer holds it (fenced). */
    public boolean complete(Job job) {
        return settler.complete(requireJob(job));
    }

    /**
     * Completes a batch in one statement, each job fenced on its own claim.
     *
     * @return the ids that were completed; the others were no longer held by their claimer
     */
    public Set<Long> completeAll(List<Job> jobs) {
        return settler.completeAll(jobs);
    }

    /**
     * Records the failure; the job retries after the retry policy's backoff, or is discarded when this
     * was its last attempt. {@link FailOutcome#FENCED} when the caller no longer holds it.
     */
    public FailOutcome fail(Job job, String error) {
        return settler.fail(requireJob(job), error);
    }

    /** The handler asked to run the job again after {@code delay}; the attempt is not counted. */
    public boolean retryLater(Job job, Duration delay, String reason) {
        return settler.retryLater(requireJob(job), delay, reason);
    }

    /** Dead-letters the job now, with {@code reason} in its error history. */
    public boolean discard(Job job, String reason) {
        return settler.discard(requireJob(job), reason);
    }

    /** Gives the job back, runnable at once, without counting the attempt (a worker shutting down). */
    public boolean release(Job job) {
        return settler.release(requireJob(job));
    }

    /**
     * Returns jobs whose lease expired to the queue (discarded when out of attempts), recording
     * {@code "lease expired (owner …)"}. Only the holder of an advisory lock rescues; others get 0.
     * Never touches a job that is not RUNNING with an expired lease at the moment it is updated.
     * Also forgets workers not seen for ten worker timeouts (crashed workers never deregister).
     */
    public int rescueExpired() {
        return rescuer.rescueExpired();
    }

    /** Dead letters back to AVAILABLE now, attempts reset; returns how many. */
    public int retryDiscarded(Collection<Long> ids) {
        return maintenance.retryDiscarded(ids);
    }

    /**
     * After a canary rollback: jobs {@code version} failed (now waiting for a retry) or discarded since
     * {@code since} become runnable now, and the attempts that version burned are given back.
     */
    public int retryFailedBy(String version, Instant since) {
        return maintenance.retryFailedBy(version, since, WriteFence.NONE);
    }

    /**
     * {@link #retryFailedBy(String, Instant)} for a control plane: nothing is retried unless {@code fence} still
     * holds (a deposed leader's retry throws {@link NotLeaderException}).
     */
    public int retryFailedBy(String version, Instant since, WriteFence fence) {
        return maintenance.retryFailedBy(version, since, fence);
    }

    /** Deletes completed jobs finished longer than the configured retention ago; returns how many. */
    public int prune() {
        return maintenance.prune();
    }

    /** The job with this id, in its current state; empty when there is none (or it was pruned). */
    public Optional<Job> find(long id) {
        return Sql.auto(ds, "find job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + JobRows.COLUMNS + " FROM baton_jobs j WHERE j.id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(JobRows.read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Depth by kind and queue (completed jobs excluded); reads only unfinished rows. */
    public QueueStats stats() {
        return stats.stats();
    }

    /** Per worker version since {@code since}: completed, failed attempts, discarded, durations. */
    public Map<String, VersionJobStats> versionStats(Instant since) {
        return stats.versionStats(since);
    }

    /** Per-version job routing (job canaries). */
    public JobRouting routing() {
        return routing;
    }

    /** The routing, its writes fenced by {@code fence} (see {@link WriteFence}): what a control plane writes through. */
    public JobRouting routing(WriteFence fence) {
        return routing.fencedBy(fence);
    }

    /** The workers sharing this queue; routing reads which live version handles which kind from it. */
    public WorkerRegistry workers() {
        return workers;
    }

    /**
     * Calls {@code onNewJobOfKind} with the kind of every job enqueued (and due) from now on, from a
     * dedicated connection taken from the pool for as long as the listener is open. Close it to stop.
     */
    public AutoCloseable listen(Consumer<String> onNewJobOfKind) {
        return new JobListener(ds, onNewJobOfKind).start();
    }

    /** A worker registered or left through this instance: routing must not wait a second to see it. */
    private void workersChanged() {
        routing.invalidate();
    }

    private static Job requireJob(Job job) {
        if (job == null) {
            throw new IllegalArgumentException("job: must not be null");
        }
        return job;
    }
}
