package dev.baton.bench.queue;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.bench.BenchDatabase;
import dev.baton.bench.BenchJson;
import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import dev.baton.queue.QueueConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import dev.baton.bench.BenchRun;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code baton bench queue}: the durable queue against the floor PostgreSQL sets, on an embedded
 * durable PostgreSQL in a temporary directory.
 *
 * <ol>
 *   <li>burn-down: fill the queue with no-op jobs, then N threads claim in batches and complete each
 *       batch in one statement, once with the plain SQL (the floor) and once through {@code JobQueue};
 *   <li>steady: enqueue at a fixed rate while the same threads work, measuring pick-up latency.
 * </ol>
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Burn-down and steady-rate runs of the durable queue, against the plain-SQL floor.")
public final class QueueBench implements Callable<Integer> {

    /** The kind of the no-op jobs every burn-down uses. */
    public static final String KIND = "bench.noop";

    @Spec
    CommandSpec spec;

    @Mixin
    BenchRun run;

    @Option(names = "--jobs", description = "Jobs per burn-down (default 100,000; 10,000 with --quick).")
    Integer jobs;

    @Option(names = "--threads", defaultValue = "8", description = "Consumer threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--batch", defaultValue = "10", description = "Jobs per claim (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rate", description = "Steady-run enqueue rate, jobs/s (default 2,000).")
    Integer rate;

    @Option(names = "--seconds", description = "Steady-run length (default 20 s; 8 s with --quick).")
    Integer seconds;

    @Override
    public Integer call() throws Exception {
        validate();
        int total = jobs != null ? jobs : run.quick ? 10_000 : 100_000;
        int steadyRate = rate != null ? rate : 2_000;
        int steadySeconds = seconds != null ? seconds : run.quick ? 8 : 20;
        PrintWriter out = spec.commandLine().getOut();
        try (Progress progress = new Progress(System.err);
             BenchDatabase db = BenchDatabase.start(threads + 4, "bench")) {
            HikariDataSource ds = db.dataSource();
            progress.say("embedded PostgreSQL (durable: fsync and synchronous_commit on) in %s", db.dataDirectory());
            JobQueue queue = new JobQueue(ds, QueueConfig.defaults());
            QueueBenchReport report = new QueueBenchReport(total, threads, batch, Machine.describe(ds));

            // Long enough for the JIT to finish with the JDBC driver: on two cores, compilation
            // competes with PostgreSQL and slows whichever round runs while it is still going on.
            int warmUp = Math.min(total, run.quick ? 5_000 : 30_000);
            progress.say("warm-up: %,d jobs each way", warmUp);
            burnDown("warm-up floor", warmUp, queue, db, progress, true);
            burnDown("warm-up queue", warmUp, queue, db, progress, false);

            // Rounds alternate which side goes first, so a machine getting busier or quieter during
            // the run does not favour one side; the report keeps the best round of each.
            int rounds = run.quick ? 1 : 3;
            for (int round = 1; round <= rounds; round++) {
                boolean floorFirst = round % 2 == 1;
                for (boolean floor : floorFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    (floor ? report.floor : report.queue).add(
                            burnDown((floor ? "floor " : "queue ") + round, total, queue, db, progress, floor));
                }
            }
            report.enqueuePerSecond = lastEnqueueRate;

            db.reset();
            progress.say("steady: %,d jobs/s for %d s", steadyRate, steadySeconds);
            report.steady = new SteadyRun(queue, threads, batch).run(steadyRate, steadySeconds, progress);

            if (run.json) {
                out.println(BenchJson.line(report.toMap()));
            } else {
                report.print(out);
            }
            out.flush();
            return 0;
        }
    }

    private double lastEnqueueRate;

    private BurnDown.Result burnDown(String label, int n, JobQueue queue, BenchDatabase db, Progress progress,
                                     boolean floor) throws Exception {
        javax.sql.DataSource ds = db.dataSource();
        db.reset();
        long start = System.nanoTime();
        List<JobRequest> chunk = new ArrayList<>(10_000);
        for (int i = 0; i < n; i++) {
            chunk.add(JobRequest.of(KIND, "{}"));
            if (chunk.size() == 10_000 || i == n - 1) {
                queue.enqueueAll(chunk);
                chunk.clear();
            }
        }
        lastEnqueueRate = n / ((System.nanoTime() - start) / 1e9);
        db.checkpoint();
        BurnDown.Result result = BurnDown.run(label, threads, n, i -> floor
                ? new FloorWorker(ds, "floor-" + i, batch)
                : new QueueWorker(queue, "queue-" + i, batch), progress);
        progress.say("%-18s %,d jobs in %.2f s = %,.0f jobs/s (client CPU %.0f µs/job)", label, result.jobs(),
                result.seconds(), result.jobsPerSecond(), result.clientCpuMicrosPerJob());
        return result;
    }

    private void validate() {
        if (threads < 1 || threads > 64) {
            throw new ParameterException(spec.commandLine(), "--threads: must be within 1..64, got " + threads);
        }
        if (batch < 1 || batch > 1000) {
            throw new ParameterException(spec.commandLine(), "--batch: must be within 1..1000, got " + batch);
        }
        if (jobs != null && jobs < 1) {
            throw new ParameterException(spec.commandLine(), "--jobs: must be at least 1, got " + jobs);
        }
        if (rate != null && (rate < 1 || rate > 1_000_000)) {
            throw new ParameterException(spec.commandLine(), "--rate: must be within 1..1000000, got " + rate);
        }
        if (seconds != null && (seconds < 1 || seconds > 3600)) {
            throw new ParameterException(spec.commandLine(), "--seconds: must be within 1..3600, got " + seconds);
        }
    }
}
