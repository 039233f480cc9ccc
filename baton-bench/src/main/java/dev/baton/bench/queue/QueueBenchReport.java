package dev.baton.bench.queue;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The queue benchmark's results, as a table for people or one JSON object for tools. */
final class QueueBenchReport {

    final int jobs;
    final int threads;
    final int batch;
    final Map<String, Object> machine;
    final List<BurnDown.Result> floor = new ArrayList<>();
    final List<BurnDown.Result> queue = new ArrayList<>();
    double enqueuePerSecond;
    SteadyRun.Result steady;

    QueueBenchReport(int jobs, int threads, int batch, Map<String, Object> machine) {
        this.jobs = jobs;
        this.threads = threads;
        this.batch = batch;
        this.machine = machine;
    }

    /** The best round of each: noise on a shared machine only ever slows a run down. */
    static double best(List<BurnDown.Result> results) {
        return results.stream().map(BurnDown.Result::jobsPerSecond).max(Comparator.naturalOrder()).orElse(0.0);
    }

    /** The lowest client CPU per job of any round: the cost of the code, with the least interference. */
    static double cpuPerJob(List<BurnDown.Result> results) {
        return results.stream().mapToDouble(BurnDown.Result::clientCpuMicrosPerJob).min().orElse(0);
    }

    double ratio() {
        return best(queue) / best(floor);
    }

    static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    void print(PrintWriter out) {
        Histogram h = steady.pickUp();
        out.printf("%nQueue benchmark — %,d no-op jobs, %d threads, claim batch %d, durable commits%n",
                jobs, threads, batch);
        out.printf("machine: %s%n%n", machine);
        out.printf("%-34s %14s%n", "measure", "value");
        out.printf("%-34s %14s%n", "-".repeat(34), "-".repeat(14));
        out.printf("%-34s %,14.0f%n", "floor burn-down (plain SQL), jobs/s", best(floor));
        out.printf("%-34s %,14.0f%n", "queue burn-down, jobs/s", best(queue));
        out.printf("%-34s %14.2f%n", "queue / floor", ratio());
        out.printf("%-34s %14.0f%n", "floor client CPU, µs/job", cpuPerJob(floor));
        out.printf("%-34s %14.0f%n", "queue client CPU, µs/job", cpuPerJob(queue));
        out.printf("%-34s %,14.0f%n", "batch enqueue, jobs/s", enqueuePerSecond);
        out.printf("%-34s %,14d%n", "steady: target rate, jobs/s", steady.targetRate());
        out.printf("%-34s %,14.0f%n", "steady: completed, jobs/s", steady.completedPerSecond());
        out.printf("%-34s %14.1f%n", "steady: pick-up p50, ms", millis(h, 50));
        out.printf("%-34s %14.1f%n", "steady: pick-up p99, ms", millis(h, 99));
        out.printf("%-34s %14.1f%n", "steady: pick-up max, ms", h.getMaxValue() / 1000.0);
    }

    Map<String, Object> toMap() {
        Histogram h = steady.pickUp();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", "queue");
        m.put("jobs", jobs);
        m.put("threads", threads);
        m.put("batch", batch);
        m.put("machine", machine);
        m.put("floorJobsPerSecond", Math.round(best(floor)));
        m.put("queueJobsPerSecond", Math.round(best(queue)));
        m.put("ratioToFloor", Math.round(ratio() * 1000) / 1000.0);
        m.put("floorRounds", floor.stream().map(r -> Math.round(r.jobsPerSecond())).toList());
        m.put("queueRounds", queue.stream().map(r -> Math.round(r.jobsPerSecond())).toList());
        m.put("floorClientCpuMicrosPerJob", Math.round(cpuPerJob(floor)));
        m.put("queueClientCpuMicrosPerJob", Math.round(cpuPerJob(queue)));
        m.put("enqueueJobsPerSecond", Math.round(enqueuePerSecond));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("targetRate", steady.targetRate());
        s.put("seconds", Math.round(steady.seconds() * 10) / 10.0);
        s.put("enqueued", steady.enqueued());
        s.put("completed", steady.completed());
        s.put("completedPerSecond", Math.round(steady.completedPerSecond()));
        s.put("pickUpP50Ms", millis(h, 50));
        s.put("pickUpP99Ms", millis(h, 99));
        s.put("pickUpMaxMs", h.getMaxValue() / 1000.0);
        m.put("steady", s);
        return m;
    }
}
