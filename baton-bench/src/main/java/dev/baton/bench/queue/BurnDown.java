package dev.baton.bench.queue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Empties a pre-filled queue with N threads, each claiming and completing batches until none is left. */
public final class BurnDown {

    /**
     * What one burn-down measured. {@code clientCpuSeconds} is the CPU this JVM used meanwhile: on a
     * shared machine it shows the client-side cost per job even when wall-clock numbers are noisy.
     */
    public record Result(String label, long jobs, double seconds, double clientCpuSeconds) {
        public double jobsPerSecond() {
            return jobs / seconds;
        }

        public double clientCpuMicrosPerJob() {
            return clientCpuSeconds * 1e6 / jobs;
        }
    }

    /** Makes the worker of thread {@code index}. */
    @FunctionalInterface
    public interface WorkerFactory {
        BatchWorker create(int index) throws Exception;
    }

    private BurnDown() {}

    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static Result run(String label, int threads, long expected, WorkerFactory factory, Progress progress)
            throws Exception {
        List<BatchWorker> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(factory.create(i));
        }
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (AutoCloseable tracking = progress.track(label, done, expected)) {
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            List<Future<?>> runs = new ArrayList<>();
            for (BatchWorker w : workers) {
                runs.add(pool.submit(() -> {
                    int n;
                    while ((n = w.claimAndComplete()) > 0) {
                        done.addAndGet(n);
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(30, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
            if (done.get() != expected) {
                throw new IllegalStateException(label + ": completed " + done.get() + " of " + expected + " jobs");
            }
            return new Result(label, done.get(), seconds, cpuSeconds);
        } finally {
            pool.shutdownNow();
            for (BatchWorker w : workers) {
                w.close();
            }
        }
    }
}
