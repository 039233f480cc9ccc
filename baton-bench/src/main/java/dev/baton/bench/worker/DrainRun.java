package dev.baton.bench.worker;

import dev.baton.bench.BenchDatabase;
import dev.baton.bench.queue.Progress;
import dev.baton.queue.Enqueued;
import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * One drain: a worker process runs every job of a {@link DrainCase} at once, gets SIGTERM, and the
 * time from the signal to its exit is compared with what the jobs allow. The process first runs as
 * many zero-length jobs, so the measured ones do not wait for its class loading and JIT (a freshly
 * started JVM took up to half a second to start its first handlers). Then the database must show
 * each job completed (attempt 1) or released (available again, attempt 0): anything else is a lost
 * job and fails the benchmark.
 */
final class DrainRun {

    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(60);

    /**
     * What one drain measured, in milliseconds from the SIGTERM.
     *
     * @param exitMs until the process had exited
     * @param expectedMs what the jobs allow: the longest remaining job, or the soft deadline when
     *     some job could not finish before it
     * @param lastCompletionMs until the last job completion was recorded (0 when none completed after it)
     */
    record Result(String name, int jobs, int round, double exitMs, double expectedMs, double lastCompletionMs,
                  int completed, int released) {

        /** Time the stop took beyond what the jobs needed: the stop's own cost (aim: under 200 ms). */
        double overshootMs() {
            return exitMs - expectedMs;
        }

        /** From the last completion recorded to the exit: deregistering, closing the pool, the JVM's exit. */
        double exitAfterLastCompletionMs() {
            return exitMs - lastCompletionMs;
        }
    }

    private DrainRun() {}

    static Result run(DrainCase c, int round, BenchDatabase db, JobQueue queue, Progress progress) throws Exception {
        db.reset();
        String id = "bench-drain-" + c.name() + "-" + round;
        try (ChildJvm child = ChildJvm.worker(id, db.config(), c.jobs(), c.soft(), c.hard())) {
            List<Long> warmUp = enqueue(queue, c.durations().stream().map(d -> Duration.ZERO).toList());
            await(db.dataSource(), warmUp, "COMPLETED", child);
            List<Long> ids = enqueue(queue, c.durations());
            await(db.dataSource(), ids, "RUNNING", child);
            Instant signal = Instant.now();
            double exitMs = child.terminateAndTime(c.soft().plus(c.hard()).plusSeconds(30));
            Result r = verify(c, round, db.dataSource(), ids, signal, exitMs, child);
            progress.say("drain %-4s %d: %d jobs, exit %.0f ms after SIGTERM, expected %.0f ms, overshoot %.0f ms; "
                            + "%d completed, %d released", c.name(), round, c.jobs(), r.exitMs(), r.expectedMs(),
                    r.overshootMs(), r.completed(), r.released());
            return r;
        }
    }

    private static List<Long> enqueue(JobQueue queue, List<Duration> durations) {
        List<JobRequest> jobs = new ArrayList<>();
        for (Duration d : durations) {
            jobs.add(JobRequest.of(SleepHandlers.KIND, "{\"ms\":" + d.toMillis() + "}"));
        }
        return queue.enqueueAll(jobs).stream().map(Enqueued::id).toList();
    }

    /** Waits until every job of {@code ids} is in {@code state}. */
    private static void await(DataSource ds, List<Long> ids, String state, ChildJvm child) throws Exception {
        long deadline = System.nanoTime() + WAIT_TIMEOUT.toNanos();
        while (count(ds, ids, state) < ids.size()) {
            if (!child.isAlive()) {
                throw new IllegalStateException("the worker process exited early:\n" + child.log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker process did not get all " + ids.size() + " jobs to "
                        + state + " within " + WAIT_TIMEOUT.toSeconds() + " s:\n" + child.log());
            }
            Thread.sleep(10);
        }
    }

    private static int count(DataSource ds, List<Long> ids, String state) throws Exception {
        try (Connection c = ds.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT count(*) FROM baton_jobs WHERE id = ANY(?) AND state = ?")) {
            s.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            s.setString(2, state);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Result verify(DrainCase c, int round, DataSource ds, List<Long> ids, Instant signal, double exitMs,
                                 ChildJvm child) throws Exception {
        int completed = 0;
        int released = 0;
        double longestRemaining = 0;
        double lastCompletion = 0;
        List<String> lost = new ArrayList<>();
        try (Connection conn = ds.getConnection();
             PreparedStatement s = conn.prepareStatement("SELECT id, state, attempt, (payload->>'ms')::bigint, "
                     + "attempted_at, finished_at FROM baton_jobs WHERE id = ANY(?) ORDER BY id")) {
            s.setArray(1, conn.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String state = rs.getString(2);
                    int attempt = rs.getInt(3);
                    if (state.equals("COMPLETED") && attempt == 1) {
                        completed++;
                        Instant started = rs.getTimestamp(5).toInstant();
                        Timestamp finished = rs.getTimestamp(6);
                        longestRemaining = Math.max(longestRemaining, millisBetween(signal, started) + rs.getLong(4));
                        lastCompletion = Math.max(lastCompletion, millisBetween(signal, finished.toInstant()));
                    } else if (state.equals("AVAILABLE") && attempt == 0) {
                        released++;
                    } else {
                        lost.add("job " + rs.getLong(1) + " is " + state + " at attempt " + attempt);
                    }
                }
            }
        }
        if (!lost.isEmpty() || completed + released != c.jobs()) {
            throw new IllegalStateException("drain " + c.name() + " " + round + " lost jobs: " + completed
                    + " completed + " + released + " released of " + c.jobs() + "; " + lost + "\nworker log:\n"
                    + child.log());
        }
        double soft = c.soft().toMillis();
        double expected = released > 0 ? soft : Math.min(soft, longestRemaining);
        return new Result(c.name(), c.jobs(), round, exitMs, expected, lastCompletion, completed, released);
    }

    private static double millisBetween(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }
}
