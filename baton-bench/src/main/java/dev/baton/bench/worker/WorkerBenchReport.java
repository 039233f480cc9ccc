package dev.baton.bench.worker;

import dev.baton.bench.queue.BurnDown;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The worker benchmark's results, as tables for people or one JSON object for tools. */
final class WorkerBenchReport {

    final int jobs;
    final Map<String, Object> machine;
    final List<Throughput> throughput = new ArrayList<>();
    final List<DrainCase> drainCases = new ArrayList<>();
    final List<DrainRun.Result> drains = new ArrayList<>();
    /** SIGTERM to exit of a JVM that does nothing: what the machine charges any process for exiting. */
    final List<Double> idleJvmExitMs = new ArrayList<>();
    /** The same with one thread blocked in a socket call, as in any JVM that uses the network. */
    final List<Double> blockedIoJvmExitMs = new ArrayList<>();

    WorkerBenchReport(int jobs, Map<String, Object> machine) {
        this.jobs = jobs;
        this.machine = machine;
    }

    void print(PrintWriter out) {
        out.printf("%nWorker benchmark — %,d no-op jobs per burn-down, durable commits%n", jobs);
        out.printf("machine: %s%n%n", machine);
        out.printf("%7s %12s %12s %12s %8s %8s %22s%n", "threads", "floor/s", "per-job/s", "worker/s",
                "w/floor", "w/per-job", "CPU µs/job f/pj/w");
        for (Throughput t : throughput) {
            out.printf("%7d %,12.0f %,12.0f %,12.0f %8.2f %8.2f %22s%n", t.threads(), Throughput.best(t.floor()),
                    Throughput.best(t.perJobFloor()), Throughput.best(t.worker()), t.workerToFloor(),
                    t.workerToPerJobFloor(), String.format("%.0f / %.0f / %.0f", Throughput.cpu(t.floor()),
                            Throughput.cpu(t.perJobFloor()), Throughput.cpu(t.worker())));
        }
        out.println("floor = plain SQL, claim 10 + one completion per batch; per-job = same SQL, claim 1 + complete 1");
        out.printf("%n%-5s %5s %9s %9s %8s %9s %10s %11s %10s %9s%n", "drain", "jobs", "longest", "soft/hard",
                "exit ms", "expected", "overshoot", "after last", "completed", "released");
        for (DrainRun.Result r : drains) {
            DrainCase c = drainCases.stream().filter(d -> d.name().equals(r.name())).findFirst().orElseThrow();
            out.printf("%-5s %5d %7dms %9s %8.0f %9.0f %10.0f %11.0f %10d %9d%n", r.name(), r.jobs(),
                    c.longestFinishing().toMillis(), c.soft().toSeconds() + "s/" + c.hard().toSeconds() + "s",
                    r.exitMs(), r.expectedMs(), r.overshootMs(), r.exitAfterLastCompletionMs(), r.completed(),
                    r.released());
        }
        out.println("ms from SIGTERM; expected = longest job still running at SIGTERM, or the soft deadline when a"
                + " job outlives it;");
        out.println("overshoot = exit - expected; after last = exit - last completion recorded; lost jobs: 0");
        out.printf("idle JVM, SIGTERM to exit: %s ms; with a thread blocked in I/O: %s ms%n", rounded(idleJvmExitMs),
                rounded(blockedIoJvmExitMs));
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", "worker");
        m.put("jobs", jobs);
        m.put("machine", machine);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Throughput t : throughput) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("threads", t.threads());
            row.put("floorJobsPerSecond", Math.round(Throughput.best(t.floor())));
            row.put("perJobFloorJobsPerSecond", Math.round(Throughput.best(t.perJobFloor())));
            row.put("workerJobsPerSecond", Math.round(Throughput.best(t.worker())));
            row.put("workerToFloor", round3(t.workerToFloor()));
            row.put("workerToPerJobFloor", round3(t.workerToPerJobFloor()));
            row.put("floorRounds", rates(t.floor()));
            row.put("perJobFloorRounds", rates(t.perJobFloor()));
            row.put("workerRounds", rates(t.worker()));
            row.put("floorClientCpuMicrosPerJob", Math.round(Throughput.cpu(t.floor())));
            row.put("perJobFloorClientCpuMicrosPerJob", Math.round(Throughput.cpu(t.perJobFloor())));
            row.put("workerClientCpuMicrosPerJob", Math.round(Throughput.cpu(t.worker())));
            rows.add(row);
        }
        m.put("throughput", rows);
        List<Map<String, Object>> drainRows = new ArrayList<>();
        for (DrainRun.Result r : drains) {
            DrainCase c = drainCases.stream().filter(d -> d.name().equals(r.name())).findFirst().orElseThrow();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("case", r.name());
            row.put("round", r.round());
            row.put("jobs", r.jobs());
            row.put("longestFinishingJobMs", c.longestFinishing().toMillis());
            row.put("softStopMs", c.soft().toMillis());
            row.put("hardStopMs", c.hard().toMillis());
            row.put("exitMs", Math.round(r.exitMs()));
            row.put("expectedMs", Math.round(r.expectedMs()));
            row.put("overshootMs", Math.round(r.overshootMs()));
            row.put("lastCompletionMs", Math.round(r.lastCompletionMs()));
            row.put("exitAfterLastCompletionMs", Math.round(r.exitAfterLastCompletionMs()));
            row.put("completed", r.completed());
            row.put("released", r.released());
            row.put("lost", r.jobs() - r.completed() - r.released());
            drainRows.add(row);
        }
        m.put("drain", drainRows);
        m.put("idleJvmExitMs", rounded(idleJvmExitMs));
        m.put("blockedIoJvmExitMs", rounded(blockedIoJvmExitMs));
        return m;
    }

    private static List<Long> rounded(List<Double> values) {
        return values.stream().map(Math::round).toList();
    }

    private static List<Long> rates(List<BurnDown.Result> rounds) {
        return rounds.stream().map(r -> Math.round(r.jobsPerSecond())).toList();
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
