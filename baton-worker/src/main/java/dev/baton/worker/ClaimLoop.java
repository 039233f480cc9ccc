package dev.baton.worker;

import dev.baton.queue.ClaimRequest;
import dev.baton.queue.Job;
import dev.baton.queue.JobQueue;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the claim loop: take the free slots, claim at most that many jobs of our kinds, start
 * them, then wait for a notification, a freed slot or the poll interval.
 */
final class ClaimLoop implements BackgroundLoop.Body {
    private static final Logger log = LoggerFactory.getLogger(ClaimLoop.class);

    private final JobQueue queue;
    private final JobRunner runner;
    private final InFlight inFlight;
    private final WakeSignal wake;
    private final DatabaseHealth database;
    private final WorkerConfig config;
    private final Set<String> kinds;
    private final BooleanSupplier claiming;
    private final BooleanSupplier accepting;
    /** More work is likely waiting: the last claim was full, or a job was just enqueued. */
    private volatile boolean backlog = true;

    ClaimLoop(JobQueue queue, JobRunner runner, InFlight inFlight, WakeSignal wake, DatabaseHealth database,
            WorkerConfig config, Set<String> kinds, BooleanSupplier claiming, BooleanSupplier accepting) {
        this.queue = queue;
        this.runner = runner;
        this.inFlight = inFlight;
        this.wake = wake;
        this.database = database;
        this.config = config;
        this.kinds = Set.copyOf(kinds);
        this.claiming = claiming;
        this.accepting = accepting;
    }

    /** A job of {@code kind} was enqueued somewhere. */
    void jobEnqueued(String kind) {
        if (kinds.contains(kind)) {
            workWaiting();
        }
    }

    /** Jobs came back to the queue (e.g. rescued): claim now rather than at the next poll. */
    void workWaiting() {
        backlog = true;
        wake.wake();
    }

    /** A handler finished; worth claiming again at once only if work is waiting. */
    void slotFreed() {
        if (backlog) {
            wake.wake();
        }
    }

    @Override
    public void runOnce() throws InterruptedException {
        if (!claiming.getAsBoolean()) {
            wake.await(config.pollInterval()); // until closed: the stop sequence wakes us
            return;
        }
        int free = inFlight.reserveFree();
        if (free == 0) {
            wake.await(config.pollInterval());
            return;
        }
        int limit = Math.min(free, 1000);
        List<Job> jobs;
        try {
            jobs = queue.claim(new ClaimRequest(config.id(), config.version(), kinds, config.queues(), limit));
        } catch (RuntimeException e) {
            inFlight.unreserve(free);
            throw e;
        }
        database.reachable();
        if (!accepting.getAsBoolean()) {
            // The worker's stop gave up waiting for this claim (stuck on the database): its stop sequence is under
            // way without these jobs, so they go straight back, their attempt not counted.
            inFlight.unreserve(free);
            handBack(jobs);
            return;
        }
        inFlight.unreserve(free - jobs.size());
        for (Job job : jobs) {
            runner.launch(job);
        }
        backlog = jobs.size() == limit;
        if (!backlog) {
            wake.await(config.pollInterval());
        }
    }

    private void handBack(List<Job> jobs) {
        for (Job job : jobs) {
            try {
                queue.release(job);
            } catch (RuntimeException e) {
                log.warn("job {} claimed as the worker stopped could not be handed back ({}); its lease will expire",
                        job.id(), Failures.summary(e));
            }
        }
    }
}
