package dev.baton.bench.worker;

import dev.baton.bench.queue.BurnDown;
import dev.baton.bench.queue.Progress;
import dev.baton.bench.queue.QueueBench;
import dev.baton.worker.JobResult;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Empties a pre-filled queue of no-op jobs with one {@link Worker} of concurrency N in this JVM, the
 * way an application embeds it: its own claim loop, a virtual thread and a completion per job.
 */
final class WorkerBurnDown {

    private static final Duration POLL = Duration.ofMillis(1);

    private WorkerBurnDown() {}

    static BurnDown.Result run(String label, int concurrency, long expected, DataSource ds, Progress progress)
            throws Exception {
        AtomicLong handled = new AtomicLong();
        Worker worker = Worker.builder(ds)
                .config(WorkerConfig.defaults().withId("bench-" + label.replace(' ', '-'))
                        .withConcurrency(concurrency).withHealth("127.0.0.1", -1))
                .handle(QueueBench.KIND, ctx -> {
                    handled.incrementAndGet();
                    return JobResult.complete();
                })
                .stopOnShutdown(false)
                .build();
        try (AutoCloseable tracking = progress.track(label, handled, expected)) {
            long start = System.nanoTime();
            long cpuStart = BurnDown.processCpuNanos();
            worker.start();
            long deadline = start + Duration.ofMinutes(30).toNanos();
            // Handled by all, and nothing in flight: every outcome is recorded.
            while (handled.get() < expected || worker.inFlight() > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(label + ": handled " + handled.get() + " of " + expected
                            + " jobs in 30 minutes");
                }
                Thread.sleep(POLL);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (BurnDown.processCpuNanos() - cpuStart) / 1e9;
            return new BurnDown.Result(label, handled.get(), seconds, cpuSeconds);
        } finally {
            worker.stop(Duration.ofSeconds(5), Duration.ofSeconds(1));
        }
    }
}
