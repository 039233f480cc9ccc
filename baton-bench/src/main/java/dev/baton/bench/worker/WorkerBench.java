package dev.baton.bench.worker;

import dev.baton.bench.BenchDatabase;
import dev.baton.bench.BenchJson;
import dev.baton.bench.queue.BurnDown;
import dev.baton.bench.queue.FloorWorker;
import dev.baton.bench.queue.Machine;
import dev.baton.bench.queue.Progress;
import dev.baton.bench.queue.QueueBench;
import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import dev.baton.queue.QueueConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * {@code baton bench worker}: the worker runtime against the queue's floor, on an embedded durable
 * PostgreSQL.
 *
 * <ol>
 *   <li>throughput: a {@code Worker} of concurrency N with a no-op handler burns down a backlog, and
 *       the plain-SQL floor does the same with N threads in the same run (claims of 10, and one job at
 *       a time);
 *   <li>drain: a worker process with jobs in flight gets SIGTERM; the time to its exit is compared with
 *       its longest job (soft case) or its soft deadline (hard case), and no job may be lost; an idle
 *       JVM's exit after SIGTERM is the baseline.
 * </ol>
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Worker throughput against the queue floor, and drain time after SIGTERM.")
public final class WorkerBench implements Callable<Integer> {

    private static final int FLOOR_BATCH = 10;
    private static final Duration HARD_SOFT = Duration.ofSeconds(1);
    private static final Duration HARD_HARD = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @Mixin
    BenchRun run;

    @Option(names = "--jobs", description = "Jobs per burn-down (default 20,000; 5,000 with --quick).")
    Integer jobs;

    @Option(names = "--threads", split = ",",
            description = "Thread counts = worker concurrency (default 4,16; 16 with --quick).")
    List<Integer> threads;

    @Option(names = "--drain-jobs", description = "Jobs in flight at SIGTERM (default 50; 20 with --quick).")
    Integer drainJobs;

    @Option(names = "--longest-ms", description = "The longest of those jobs, ms (default 2000; 1000 with --quick).")
    Integer longestMs;

    @Override
    public Integer call() throws Exception {
        List<Integer> counts = threads != null ? threads : run.quick ? List.of(16) : List.of(4, 16);
        int total = jobs != null ? jobs : run.quick ? 5_000 : 20_000;
        int inFlight = drainJobs != null ? drainJobs : run.quick ? 20 : 50;
        Duration longest = Duration.ofMillis(longestMs != null ? longestMs : run.quick ? 1_000 : 2_000);
        validate(counts, total, inFlight);
        int rounds = run.quick ? 1 : 2;
        PrintWriter out = spec.commandLine().getOut();
        int maxThreads = counts.stream().max(Integer::compare).orElseThrow();
        try (Progress progress = new Progress(System.err);
             BenchDatabase db = BenchDatabase.start(maxThreads + 8, "bench")) {
            progress.say("embedded PostgreSQL (durable: fsync and synchronous_commit on) in %s", db.dataDirectory());
            JobQueue queue = new JobQueue(db.dataSource(), QueueConfig.defaults());
            WorkerBenchReport report = new WorkerBenchReport(total, Machine.describe(db.dataSource()));

            int warmUp = Math.min(total, run.quick ? 2_000 : 10_000);
            progress.say("warm-up: %,d jobs each way", warmUp);
            for (Side side : Side.values()) {
                burnDown(side, "warm-up " + side.label, maxThreads, warmUp, db, queue, progress);
            }
            for (int n : counts) {
                Throughput t = new Throughput(n);
                // Rounds alternate the order, so a machine getting busier or quieter favours no side.
                for (int round = 1; round <= rounds; round++) {
                    List<Side> order = new ArrayList<>(List.of(Side.values()));
                    if (round % 2 == 0) {
                        Collections.reverse(order);
                    }
                    for (Side side : order) {
                        BurnDown.Result r = burnDown(side, side.label + " " + n + "t r" + round, n, total, db, queue,
                                progress);
                        (switch (side) {
                            case FLOOR -> t.floor();
                            case PER_JOB_FLOOR -> t.perJobFloor();
                            case WORKER -> t.worker();
                        }).add(r);
                    }
                }
                report.throughput.add(t);
            }

            report.drainCases.add(DrainCase.soft(inFlight, longest));
            report.drainCases.add(DrainCase.hard(inFlight, HARD_SOFT, HARD_HARD));
            for (int round = 1; round <= (run.quick ? 1 : 3); round++) {
                try (ChildJvm idle = ChildJvm.idle(false)) {
                    report.idleJvmExitMs.add(idle.terminateAndTime(Duration.ofSeconds(30)));
                }
                try (ChildJvm idle = ChildJvm.idle(true)) {
                    report.blockedIoJvmExitMs.add(idle.terminateAndTime(Duration.ofSeconds(30)));
                }
                progress.say("idle JVM %d: exit %.0f ms after SIGTERM, %.0f ms with a thread blocked in I/O", round,
                        report.idleJvmExitMs.getLast(), report.blockedIoJvmExitMs.getLast());
                for (DrainCase c : report.drainCases) {
                    report.drains.add(DrainRun.run(c, round, db, queue, progress));
                }
            }

            if (run.json) {
                out.println(BenchJson.line(report.toMap()));
            } else {
                report.print(out);
            }
            out.flush();
            return 0;
        }
    }

    /** The three ways of burning down the same backlog. */
    private enum Side {
        FLOOR("floor"), PER_JOB_FLOOR("per-job"), WORKER("worker");

        final String label;

        Side(String label) {
            this.label = label;
        }
    }

    private static BurnDown.Result burnDown(Side side, String label, int n, int total, BenchDatabase db,
                                            JobQueue queue, Progress progress) throws Exception {
        db.reset();
        List<JobRequest> chunk = new ArrayList<>(10_000);
        for (int i = 0; i < total; i++) {
            chunk.add(JobRequest.of(QueueBench.KIND, "{}"));
            if (chunk.size() == 10_000 || i == total - 1) {
                queue.enqueueAll(chunk);
                chunk.clear();
            }
        }
        db.checkpoint();
        BurnDown.Result r = switch (side) {
            case FLOOR -> BurnDown.run(label, n, total, i -> new FloorWorker(db.dataSource(), "floor-" + i,
                    FLOOR_BATCH), progress);
            case PER_JOB_FLOOR -> BurnDown.run(label, n, total, i -> new FloorWorker(db.dataSource(), "per-job-" + i,
                    1), progress);
            case WORKER -> WorkerBurnDown.run(label, n, total, db.dataSource(), progress);
        };
        progress.say("%-18s %,d jobs in %.2f s = %,.0f jobs/s (client CPU %.0f µs/job)", label, r.jobs(),
                r.seconds(), r.jobsPerSecond(), r.clientCpuMicrosPerJob());
        return r;
    }

    private void validate(List<Integer> counts, int total, int inFlight) {
        for (int n : counts) {
            if (n < 1 || n > 64) {
                throw new ParameterException(spec.commandLine(), "--threads: each must be within 1..64, got " + n);
            }
        }
        if (total < 1) {
            throw new ParameterException(spec.commandLine(), "--jobs: must be at least 1, got " + total);
        }
        if (inFlight < 2 || inFlight > 1000) {
            throw new ParameterException(spec.commandLine(), "--drain-jobs: must be within 2..1000, got " + inFlight);
        }
        if (longestMs != null && (longestMs < 1 || longestMs > 15_000)) {
            throw new ParameterException(spec.commandLine(), "--longest-ms: must be within 1..15000, got " + longestMs);
        }
    }
}
