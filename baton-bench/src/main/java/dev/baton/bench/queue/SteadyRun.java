package dev.baton.bench.queue;

import dev.baton.queue.ClaimRequest;
import dev.baton.queue.Job;
import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Enqueue at a fixed rate while consumers work, as a worker would: claim a batch, complete it, and
 * when the queue is empty wait for a NOTIFY (or 100 ms) before claiming again. Pick-up latency is
 * the time from the start of the enqueue call to the return of the claim that got the job.
 */
final class SteadyRun {

    /** What the steady run measured. Latencies in microseconds. */
    record Result(int targetRate, double seconds, long enqueued, long completed, Histogram pickUp) {
        double completedPerSecond() {
            return completed / seconds;
        }
    }

    private static final long TICK_NANOS = 10_000_000L;

    private final JobQueue queue;
    private final int threads;
    private final int batch;
    private final Object wakeUp = new Object();
    private long notifications;

    SteadyRun(JobQueue queue, int threads, int batch) {
        this.queue = queue;
        this.threads = threads;
        this.batch = batch;
    }

    Result run(int rate, int seconds, Progress progress) throws Exception {
        Recorder latencies = new Recorder(3);
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong enqueued = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (AutoCloseable listener = queue.listen(kind -> signal());
             AutoCloseable tracking = progress.track("steady", completed, (long) rate * seconds)) {
            List<Future<?>> consumers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String worker = "steady-" + i;
                consumers.add(pool.submit(() -> consume(worker, producing, enqueued, completed, latencies)));
            }
            long start = System.nanoTime();
            produce(rate, start + seconds * 1_000_000_000L, enqueued);
            producing.set(false);
            signal();
            for (Future<?> f : consumers) {
                f.get(5, TimeUnit.MINUTES);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new Result(rate, elapsed, enqueued.get(), completed.get(), latencies.getIntervalHistogram());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Open loop: every 10 ms, enqueue what the rate says is due by now, in one batch. */
    private void produce(int rate, long endNanos, AtomicLong enqueued) throws InterruptedException {
        long start = System.nanoTime();
        long sent = 0;
        while (System.nanoTime() < endNanos) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
            int n = (int) (due - sent);
            if (n > 0) {
                String payload = "{\"t\": " + System.nanoTime() + "}";
                List<JobRequest> jobs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    jobs.add(JobRequest.of(QueueBench.KIND, payload));
                }
                queue.enqueueAll(jobs);
                sent += n;
                enqueued.addAndGet(n);
            }
            TimeUnit.NANOSECONDS.sleep(TICK_NANOS);
        }
    }

    private Void consume(String worker, AtomicBoolean producing, AtomicLong enqueued, AtomicLong completed,
                         Recorder latencies) throws InterruptedException {
        ClaimRequest request = new ClaimRequest(worker, null, Set.of(QueueBench.KIND), Set.of(), batch);
        while (true) {
            long seen = notifications();
            List<Job> jobs = queue.claim(request);
            long claimedAt = System.nanoTime();
            if (jobs.isEmpty()) {
                if (!producing.get() && completed.get() >= enqueued.get()) {
                    return null;
                }
                awaitSignal(seen, 100);
                continue;
            }
            for (Job j : jobs) {
                latencies.recordValue(Math.max(0, (claimedAt - enqueuedAt(j.payload())) / 1_000));
            }
            completed.addAndGet(queue.completeAll(jobs).size());
        }
    }

    private static long enqueuedAt(String payload) {
        int colon = payload.indexOf(':');
        return Long.parseLong(payload.substring(colon + 1, payload.indexOf('}')).strip());
    }

    private void signal() {
        synchronized (wakeUp) {
            notifications++;
            wakeUp.notifyAll();
        }
    }

    private long notifications() {
        synchronized (wakeUp) {
            return notifications;
        }
    }

    /** Waits until a notification newer than {@code seen} arrives, or the timeout passes. */
    private void awaitSignal(long seen, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (wakeUp) {
            long left;
            while (notifications == seen && (left = deadline - System.currentTimeMillis()) > 0) {
                wakeUp.wait(left);
            }
        }
    }
}
