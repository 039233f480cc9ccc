package dev.baton.worker;

import dev.baton.queue.Job;
import dev.baton.queue.JobQueue;
import dev.baton.queue.JobState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records completions in batches: handlers that completed hand their job over, and one loop writes them
 * with a single fenced {@link JobQueue#completeAll} once the batch is full (every slot waiting, or the
 * size cap) or the linger has passed. Only when the batch is durable, or refused by the fence, are the
 * jobs counted and their slots freed, all at once — so the heartbeat keeps extending their leases
 * meanwhile, and the stop sequence, which waits for the slots, waits for them too.
 *
 * <p>A flush that fails (database unreachable) is retried with the same batch until it lands or the
 * job's lease runs out; the fence makes a retry harmless. A job refused after an uncertain attempt (the
 * statement may have committed before the connection broke) is looked up: completed under our own fence
 * means our earlier attempt landed.
 */
final class CompletionSettler implements BackgroundLoop.Body {

    /** How a completion ended. */
    enum Verdict {
        COMPLETED,
        /** The fence refused it: another claim owns the job. */
        LEASE_LOST,
        /** Could not be written before the lease ran out or the worker gave up; the job will be rescued. */
        NOT_RECORDED
    }

    /** Where verdicts go: counted and logged by the runner, then the slots are freed. */
    interface Recorder {
        void recorded(Execution e, Verdict verdict);
    }

    static final int MAX_BATCH = 1000;
    private static final Logger log = LoggerFactory.getLogger(CompletionSettler.class);
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Pending(Execution execution, long giveUpAtNanos) {}

    private final JobQueue queue;
    private final InFlight inFlight;
    private final DatabaseHealth database;
    private final Recorder recorder;
    private final int batchLimit;
    private final long leaseNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private volatile long lingerNanos;
    private boolean closing;
    private volatile boolean givenUp;
    /** The batch being written; only the loop's thread touches it. Kept across failed attempts. */
    private List<Pending> batch;
    private boolean uncertain;

    CompletionSettler(JobQueue queue, InFlight inFlight, DatabaseHealth database, WorkerConfig config,
            Recorder recorder) {
        this.queue = queue;
        this.inFlight = inFlight;
        this.database = database;
        this.recorder = recorder;
        this.batchLimit = Math.min(config.concurrency(), MAX_BATCH);
        this.lingerNanos = config.completionLinger().toNanos();
        this.leaseNanos = config.lease().toNanos();
    }

    /**
     * Hands over a completed job; its slot stays taken until the completion is recorded. False once the
     * settler is closing and takes nothing more: the caller records the completion itself.
     */
    boolean submit(Execution e) {
        lock.lock();
        try {
            if (closing) {
                return false;
            }
            pending.add(new Pending(e, System.nanoTime() + leaseNanos));
            changed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Completions handed over and not yet recorded. */
    int pending() {
        lock.lock();
        try {
            return pending.size() + (batch == null ? 0 : batch.size());
        } finally {
            lock.unlock();
        }
    }

    /** Stop lingering: from now on whatever is pending is written at once (the worker is stopping). */
    void hurry() {
        lingerNanos = 0;
        wake();
    }

    /** Wakes the loop (to re-check its batch, or because it is being closed). */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes nothing more and waits until everything handed over is recorded or the deadline
     * ({@link System#nanoTime()}) passes; true when nothing is left. What is left after that is given
     * up: those jobs keep their leases until they expire and are rescued.
     */
    boolean drain(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            closing = true;
            lingerNanos = 0;
            changed.signalAll();
            while (!pending.isEmpty() || batch != null) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    givenUp = true;
                    log.warn("{} completion(s) not recorded by the stop deadline; their leases expire and another "
                            + "worker runs them again", pending.size()
                            + (batch == null ? 0 : batch.size()));
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void runOnce() throws InterruptedException {
        if (batch == null && !takeBatch()) {
            return;
        }
        dropExpired();
        if (batch.isEmpty()) {
            finishBatch();
            return;
        }
        List<Job> jobs = batch.stream().map(p -> p.execution().job()).toList();
        Set<Long> done;
        try {
            done = queue.completeAll(jobs);
        } catch (RuntimeException e) {
            // It may have committed before the failure reached us: look refused jobs up on the retry.
            uncertain = true;
            throw e; // the loop logs, counts and pauses; the next pass retries this batch
        }
        database.reachable();
        List<Verdict> verdicts = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            Job job = p.execution().job();
            boolean completed = done.contains(job.id()) || (uncertain && landedEarlier(job));
            verdicts.add(completed ? Verdict.COMPLETED : Verdict.LEASE_LOST);
        }
        List<Execution> settled = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            recorder.recorded(batch.get(i).execution(), verdicts.get(i));
            settled.add(batch.get(i).execution());
        }
        inFlight.removeAll(settled);
        finishBatch();
    }

    /** Waits for work and the moment to write it; false when there is none yet. */
    private boolean takeBatch() throws InterruptedException {
        lock.lock();
        try {
            if (pending.isEmpty()) {
                // Closing: return so the loop sees it is closed (its wake-up may come before we wait).
                if (closing) {
                    return false;
                }
                changed.awaitNanos(IDLE_WAIT_NANOS);
                if (pending.isEmpty()) {
                    return false;
                }
            }
            // Linger from now, not from the oldest arrival: a few ms either way, and simpler.
            long flushAt = System.nanoTime() + lingerNanos;
            while (pending.size() < batchLimit && !givenUp) {
                long left = Math.min(flushAt, System.nanoTime() + lingerNanos) - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            List<Pending> next = new ArrayList<>(Math.min(pending.size(), batchLimit));
            Set<Long> ids = new HashSet<>();
            for (Iterator<Pending> it = pending.iterator(); it.hasNext() && next.size() < batchLimit; ) {
                Pending p = it.next();
                // The same job twice (lease lost, claimed again by us): the queue answers with ids, so
                // each of them goes in a batch of its own.
                if (ids.add(p.execution().job().id())) {
                    next.add(p);
                    it.remove();
                }
            }
            batch = next;
            uncertain = false;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives up the completions whose lease has run out, or all of them once the worker gave up. */
    private void dropExpired() {
        long now = System.nanoTime();
        List<Pending> kept = new ArrayList<>(batch.size());
        List<Execution> dropped = new ArrayList<>();
        for (Pending p : batch) {
            if (givenUp || now - p.giveUpAtNanos() > 0) {
                recorder.recorded(p.execution(), Verdict.NOT_RECORDED);
                dropped.add(p.execution());
            } else {
                kept.add(p);
            }
        }
        if (!dropped.isEmpty()) {
            lock.lock();
            try {
                batch = kept;
            } finally {
                lock.unlock();
            }
            inFlight.removeAll(dropped);
        }
    }

    private void finishBatch() {
        lock.lock();
        try {
            batch = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean landedEarlier(Job job) {
        // Any other claim would have raised the fence, so COMPLETED at our fence is our completion.
        Optional<Job> now = queue.find(job.id());
        return now.isPresent() && now.get().state() == JobState.COMPLETED && now.get().fence() == job.fence();
    }
}
