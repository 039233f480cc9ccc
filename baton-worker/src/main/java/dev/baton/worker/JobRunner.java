package dev.baton.worker;

import dev.baton.queue.FailOutcome;
import dev.baton.queue.Job;
import dev.baton.queue.JobQueue;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each claimed job's handler on its own virtual thread and records the outcome in the queue:
 * completions through the {@link CompletionSettler} in batches, the rarer outcomes one by one on the
 * handler's thread. Every settle call is fenced by the queue, so a result from a worker that lost the
 * lease is refused.
 */
final class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final Duration MAX_SETTLE_PAUSE = Duration.ofSeconds(2);

    private final JobQueue queue;
    private final Map<String, JobHandler> handlers;
    private final InFlight inFlight;
    private final WorkerMetrics metrics;
    private final DatabaseHealth database;
    private final WorkerConfig config;
    private final CompletionSettler completions;
    private volatile boolean givenUp;

    JobRunner(JobQueue queue, Map<String, JobHandler> handlers, InFlight inFlight, WorkerMetrics metrics,
            DatabaseHealth database, WorkerConfig config) {
        this.queue = queue;
        this.handlers = Map.copyOf(handlers);
        this.inFlight = inFlight;
        this.metrics = metrics;
        this.database = database;
        this.config = config;
        this.completions = new CompletionSettler(queue, inFlight, database, config, this::completionRecorded);
    }

    /** Where completed jobs wait to be recorded in batches. */
    CompletionSettler completions() {
        return completions;
    }

    /** Starts the job's handler in a slot already reserved for it. */
    void launch(Job job) {
        Execution e = new Execution(job, new JobContext(job, config.id(), config.version()));
        inFlight.add(e);
        metrics.increment(WorkerMetrics.Counter.CLAIMED, job.kind());
        Thread.ofVirtual().name("baton-job-" + job.id()).start(() -> run(e));
    }

    /** From now on, settle calls that fail are not retried (the worker is exiting). */
    void giveUp() {
        givenUp = true;
    }

    /**
     * Releases a job whose handler did not end in time, unless the handler's thread already took
     * the right to record its outcome. Returns true when the queue took the job back.
     */
    boolean forceRelease(Execution e) {
        if (!e.takeSettlement()) {
            return false;
        }
        try {
            boolean released = queue.release(e.job());
            database.reachable();
            if (released) {
                metrics.increment(WorkerMetrics.Counter.RELEASED, e.job().kind());
            } else {
                leaseLost(e, "release");
            }
            return released;
        } catch (RuntimeException ex) {
            log.warn("job {} ({}): could not release it ({}); its lease will expire and another worker will "
                    + "rescue it", e.job().id(), e.job().kind(), Failures.summary(ex));
            return false;
        }
    }

    private void run(Execution e) {
        boolean handedOver = false;
        try {
            e.attach(Thread.currentThread());
            JobResult result = null;
            Throwable thrown = null;
            try {
                JobHandler handler = handlers.get(e.job().kind());
                if (handler == null) {
                    throw new IllegalStateException("no handler for kind " + e.job().kind());
                }
                result = handler.handle(e.context());
            } catch (Throwable t) {
                thrown = t;
            }
            e.handlerDone();
            metrics.handlerDuration(e.job().kind(), Duration.ofNanos(System.nanoTime() - e.startedNanos()));
            Outcome outcome = Outcome.decide(result, thrown, e.cancelReason());
            if (e.takeSettlement()) {
                // The settler frees the slot once the completion is durable; after a stop it takes
                // nothing more and the completion is recorded here, once, like any other outcome.
                handedOver = outcome instanceof Outcome.Complete && completions.submit(e);
                if (!handedOver) {
                    settle(e, outcome, thrown);
                }
            }
        } catch (Throwable t) {
            log.error("job {} ({}): unexpected failure while recording its outcome; its lease will expire and it "
                    + "will be rescued: {}", e.job().id(), e.job().kind(), Failures.summary(t), t);
        } finally {
            if (!handedOver) {
                inFlight.remove(e);
            }
        }
    }

    private void completionRecorded(Execution e, CompletionSettler.Verdict verdict) {
        switch (verdict) {
            case COMPLETED -> metrics.increment(WorkerMetrics.Counter.COMPLETED, e.job().kind());
            case LEASE_LOST -> leaseLost(e, "complete");
            case NOT_RECORDED -> log.warn("job {} ({}): could not record complete; its lease will expire and "
                    + "another worker will run it again", e.job().id(), e.job().kind());
        }
    }

    private void settle(Execution e, Outcome outcome, Throwable thrown) {
        if (outcome instanceof Outcome.Abandon) {
            leaseLost(e, "handler end");
            return;
        }
        long giveUpAt = System.nanoTime() + config.lease().toNanos();
        Duration pause = Duration.ofMillis(100);
        while (true) {
            try {
                boolean accepted = apply(e.job(), outcome, thrown);
                database.reachable();
                if (!accepted) {
                    leaseLost(e, outcomeName(outcome));
                }
                return;
            } catch (RuntimeException ex) {
                if (DatabaseHealth.isConnectionProblem(ex)) {
                    database.unreachable(ex);
                }
                if (givenUp || e.cancelReason() == CancelReason.LEASE_LOST || System.nanoTime() > giveUpAt) {
                    log.warn("job {} ({}): could not record {} ({}); its lease will expire and another worker "
                            + "will run it again", e.job().id(), e.job().kind(), outcomeName(outcome),
                            Failures.summary(ex));
                    return;
                }
                LockSupport.parkNanos(pause.toNanos());
                pause = pause.multipliedBy(2).compareTo(MAX_SETTLE_PAUSE) > 0 ? MAX_SETTLE_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private boolean apply(Job job, Outcome outcome, Throwable thrown) {
        String kind = job.kind();
        switch (outcome) {
            case Outcome.Complete c -> {
                return count(queue.complete(job), WorkerMetrics.Counter.COMPLETED, kind);
            }
            case Outcome.Fail f -> {
                FailOutcome result = queue.fail(job, f.error());
                if (result == FailOutcome.FENCED) {
                    return false;
                }
                metrics.increment(WorkerMetrics.Counter.FAILED, kind);
                log.warn("job {} ({}) attempt {}/{} failed, {}: {}", job.id(), kind, job.attempt(), job.maxAttempts(),
                        result == FailOutcome.RETRYING ? "will retry" : "out of attempts, discarded",
                        Failures.summary(thrown));
                return true;
            }
            case Outcome.RetryLater r -> {
                return count(queue.retryLater(job, r.delay(), r.reason()), WorkerMetrics.Counter.RETRIED_LATER, kind);
            }
            case Outcome.Discard d -> {
                log.warn("job {} ({}) discarded: {}", job.id(), kind, d.reason());
                return count(queue.discard(job, d.reason()), WorkerMetrics.Counter.DISCARDED, kind);
            }
            case Outcome.Release r -> {
                return count(queue.release(job), WorkerMetrics.Counter.RELEASED, kind);
            }
            case Outcome.Abandon a -> {
                return false;
            }
        }
    }

    private boolean count(boolean accepted, WorkerMetrics.Counter counter, String kind) {
        if (accepted) {
            metrics.increment(counter, kind);
        }
        return accepted;
    }

    private void leaseLost(Execution e, String what) {
        metrics.increment(WorkerMetrics.Counter.LEASE_LOST, e.job().kind());
        log.warn("job {} ({}): lease lost, {} not recorded; another worker owns the job now", e.job().id(),
                e.job().kind(), what);
    }

    private static String outcomeName(Outcome outcome) {
        return outcome.getClass().getSimpleName().toLowerCase();
    }
}
