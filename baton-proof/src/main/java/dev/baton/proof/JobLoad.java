package dev.baton.proof;

import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Enqueues jobs at a fixed rate, each with a unique key (used as payload {@code key} and as the queue's
 * unique key) and payload {@code {"key": …, "ms": …}}, remembering every key and job id for
 * {@link Invariants}. Each enqueue runs on its own virtual thread, so a slow database delays jobs,
 * not the timeline.
 */
public final class JobLoad {

    private static final long STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final JobQueue queue;
    private final JobLoadConfig config;
    private final PrintStream progress;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Long, Long> outstanding = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Indexed> done = new ConcurrentLinkedQueue<>();
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private final Thread scheduler;
    private volatile boolean running = true;
    private JobLoadResult result;

    private record Indexed(long seq, EnqueuedJob job) {}

    private JobLoad(JobQueue queue, JobLoadConfig config, PrintStream progress) {
        this.queue = queue;
        this.config = config;
        this.progress = progress;
        this.scheduler = Thread.ofPlatform().daemon().name("job-load-timeline").unstarted(this::timeline);
    }

    /**
     * Starts enqueuing now.
     *
     * @param progress where progress lines go (standard error); {@code null} for none
     */
    public static JobLoad start(JobQueue queue, JobLoadConfig config, PrintStream progress) {
        JobLoad load = new JobLoad(queue, config, progress);
        load.scheduler.start();
        return load;
    }

    /** Jobs the queue acknowledged so far. */
    public long enqueued() {
        return enqueued.get();
    }

    /**
     * Stops the timeline, waits up to 30 s for enqueue calls still running (one still running then is
     * recorded as failed, to be looked up by key), and returns every job. Idempotent.
     */
    public synchronized JobLoadResult stop() {
        if (result != null) {
            return result;
        }
        running = false;
        LockSupport.unpark(scheduler);
        try {
            scheduler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + STOP_GRACE_NANOS;
        while (!outstanding.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        for (Long seq : List.copyOf(outstanding.keySet())) {
            Long intended = outstanding.remove(seq);
            if (intended != null) {
                done.add(new Indexed(seq, new EnqueuedJob(key(seq), -1, intended,
                        "enqueue still running when the load stopped")));
            }
        }
        executor.shutdownNow();
        List<Indexed> all = new ArrayList<>(done);
        all.sort(Comparator.comparingLong(Indexed::seq));
        result = new JobLoadResult(all.stream().map(Indexed::job).toList());
        if (progress != null) {
            progress.printf("jobs: stopped; %d enqueued, %d enqueue calls failed%n", enqueued.get(), failed.get());
        }
        return result;
    }

    private void timeline() {
        double periodNanos = 1e9 / config.ratePerSecond();
        long nextProgress = startNanos + config.progressEvery().toNanos();
        for (long seq = 0; running; seq++) {
            long intended = startNanos + (long) (seq * periodNanos);
            long wait;
            while (running && (wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!running) {
                return;
            }
            long s = seq;
            outstanding.put(s, intended);
            executor.execute(() -> enqueue(s, intended));
            if (progress != null && !config.progressEvery().isZero() && System.nanoTime() >= nextProgress) {
                nextProgress += config.progressEvery().toNanos();
                progress.printf("jobs: %ds enqueued %d, enqueue calls failed %d%n",
                        (System.nanoTime() - startNanos) / 1_000_000_000L, enqueued.get(), failed.get());
            }
        }
    }

    private void enqueue(long seq, long intended) {
        String key = key(seq);
        EnqueuedJob job;
        try {
            long id = queue.enqueue(JobRequest.of(config.kind(), "{\"key\":\"" + key + "\",\"ms\":" + config.jobMs()
                    + "}").withUniqueKey(key)).id();
            job = new EnqueuedJob(key, id, intended, null);
        } catch (RuntimeException e) {
            job = new EnqueuedJob(key, -1, intended, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (outstanding.remove(seq) != null) {
            (job.acknowledged() ? enqueued : failed).incrementAndGet();
            done.add(new Indexed(seq, job));
        }
    }

    private String key(long seq) {
        return config.keyPrefix() + "-" + seq;
    }
}
