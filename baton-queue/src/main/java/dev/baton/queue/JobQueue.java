package dev.baton.queue;

import java.sql.Connection;
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

/** The durable job queue on PostgreSQL. */
public final class JobQueue {

    public JobQueue(DataSource ds, QueueConfig config, Clock clock) {
    }

    public Enqueued enqueue(JobRequest r) {
        throw new UnsupportedOperationException("not yet");
    }

    public Enqueued enqueue(Connection tx, JobRequest r) {
        throw new UnsupportedOperationException("not yet");
    }

    public List<Enqueued> enqueueAll(List<JobRequest> rs) {
        throw new UnsupportedOperationException("not yet");
    }

    public List<Job> claim(ClaimRequest req) {
        throw new UnsupportedOperationException("not yet");
    }

    public Set<Long> heartbeat(String workerId, Collection<Long> jobIds) {
        throw new UnsupportedOperationException("not yet");
    }

    public boolean complete(Job job) {
        throw new UnsupportedOperationException("not yet");
    }

    public Set<Long> completeAll(List<Job> jobs) {
        throw new UnsupportedOperationException("not yet");
    }

    public FailOutcome fail(Job job, String error) {
        throw new UnsupportedOperationException("not yet");
    }

    public boolean retryLater(Job job, Duration delay, String reason) {
        throw new UnsupportedOperationException("not yet");
    }

    public boolean discard(Job job, String reason) {
        throw new UnsupportedOperationException("not yet");
    }

    public boolean release(Job job) {
        throw new UnsupportedOperationException("not yet");
    }

    public int rescueExpired() {
        throw new UnsupportedOperationException("not yet");
    }

    public int retryDiscarded(Collection<Long> ids) {
        throw new UnsupportedOperationException("not yet");
    }

    public int retryFailedBy(String version, Instant since) {
        throw new UnsupportedOperationException("not yet");
    }

    public int prune() {
        throw new UnsupportedOperationException("not yet");
    }

    public Optional<Job> find(long id) {
        throw new UnsupportedOperationException("not yet");
    }

    public QueueStats stats() {
        throw new UnsupportedOperationException("not yet");
    }

    public Map<String, VersionJobStats> versionStats(Instant since) {
        throw new UnsupportedOperationException("not yet");
    }

    public JobRouting routing() {
        throw new UnsupportedOperationException("not yet");
    }

    public WorkerRegistry workers() {
        throw new UnsupportedOperationException("not yet");
    }

    public AutoCloseable listen(Consumer<String> onNewJobOfKind) {
        throw new UnsupportedOperationException("not yet");
    }
}
