package dev.baton.proof;

import java.io.PrintStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Checks a run's jobs against the database: every job enqueued is completed (none lost), none is
 * completed twice, each key's effect is recorded once ({@code sample_effects}), and re-executions are
 * counted from {@code sample_executions}. The two {@code sample_*} tables are optional: an app without
 * them is checked on the queue alone.
 */
public final class Invariants {

    private static final long POLL_MS = 250;

    private Invariants() {}

    /**
     * Waits until every job of {@code jobs} is COMPLETED or DISCARDED (or {@code drainDeadline} has
     * passed), then checks.
     *
     * @param progress where waiting lines go (standard error); {@code null} for none
     */
    public static JobCheck checkJobs(DataSource ds, JobLoadResult jobs, Duration drainDeadline, PrintStream progress) {
        try {
            return check(ds, jobs, drainDeadline, progress);
        } catch (SQLException e) {
            throw new IllegalStateException("checking the jobs failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the queue to drain", e);
        }
    }

    private static JobCheck check(DataSource ds, JobLoadResult jobs, Duration drainDeadline, PrintStream progress)
            throws SQLException, InterruptedException {
        Map<String, Long> idByKey = new LinkedHashMap<>();
        long notEnqueued = 0;
        List<String> unresolved = new ArrayList<>();
        for (EnqueuedJob j : jobs.jobs()) {
            if (j.acknowledged()) {
                idByKey.put(j.key(), j.jobId());
            } else {
                unresolved.add(j.key());
            }
        }
        // A failed enqueue call may still have committed: the key tells.
        Map<String, Long> found = query(ds, "SELECT unique_key, min(id) FROM baton_jobs WHERE unique_key = ANY(?) "
                + "GROUP BY unique_key", unresolved);
        for (String key : unresolved) {
            if (found.containsKey(key)) {
                idByKey.put(key, found.get(key));
            } else {
                notEnqueued++;
            }
        }
        List<String> keys = List.copyOf(idByKey.keySet());
        long deadline = System.nanoTime() + drainDeadline.toNanos();
        long nextLine = System.nanoTime();
        while (true) {
            long finished = scalar(ds, "SELECT count(*) FROM baton_jobs WHERE id = ANY(?) "
                    + "AND state IN ('COMPLETED', 'DISCARDED')", ids(idByKey));
            long present = scalar(ds, "SELECT count(*) FROM baton_jobs WHERE id = ANY(?)", ids(idByKey));
            if (finished == present || System.nanoTime() >= deadline) {
                break;
            }
            if (progress != null && System.nanoTime() >= nextLine) {
                progress.printf("jobs: %d of %d finished; waiting up to %ds for the rest%n", finished, idByKey.size(),
                        TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
                nextLine += TimeUnit.SECONDS.toNanos(5);
            }
            Thread.sleep(POLL_MS);
        }

        List<String> problems = new ArrayList<>();
        long completed = 0;
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, state, attempt, errors->>-1 FROM baton_jobs "
                     + "WHERE id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("bigint", ids(idByKey).toArray()));
            Map<Long, String> states = new HashMap<>();
            Map<Long, String> detail = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    states.put(rs.getLong(1), rs.getString(2));
                    detail.put(rs.getLong(1), "attempt " + rs.getInt(3)
                            + (rs.getString(4) == null ? "" : ", last error " + rs.getString(4)));
                }
            }
            for (Map.Entry<String, Long> e : idByKey.entrySet()) {
                String state = states.get(e.getValue());
                if ("COMPLETED".equals(state)) {
                    completed++;
                } else {
                    problems.add("lost: job " + e.getValue() + " key " + e.getKey() + " is "
                            + (state == null ? "missing from baton_jobs" : state + " (" + detail.get(e.getValue()) + ")"));
                }
            }
        }

        long duplicated = 0;
        for (Map.Entry<String, Long> e : query(ds, "SELECT unique_key, count(*) FROM baton_jobs WHERE unique_key = "
                + "ANY(?) AND state = 'COMPLETED' GROUP BY unique_key HAVING count(*) > 1", keys).entrySet()) {
            duplicated += e.getValue() - 1;
            problems.add("duplicated: key " + e.getKey() + " completed " + e.getValue() + " times in the queue");
        }
        long effectsMissing = 0;
        List<String> reexecutions = new ArrayList<>();
        long reexecuted = 0;
        if (tableExists(ds, "sample_effects")) {
            for (Map.Entry<String, Long> e : query(ds, "SELECT key, count(*) FROM sample_effects WHERE key = ANY(?) "
                    + "GROUP BY key HAVING count(*) > 1", keys).entrySet()) {
                duplicated += e.getValue() - 1;
                problems.add("duplicated: key " + e.getKey() + " has " + e.getValue() + " effects");
            }
            Map<String, Long> missing = query(ds, "SELECT j.unique_key, j.id FROM baton_jobs j WHERE j.unique_key = "
                    + "ANY(?) AND j.state = 'COMPLETED' AND NOT EXISTS (SELECT 1 FROM sample_effects e "
                    + "WHERE e.key = j.unique_key)", keys);
            effectsMissing = missing.size();
            missing.forEach((key, id) -> problems.add("effect missing: job " + id + " key " + key
                    + " completed without its effect"));
        }
        if (tableExists(ds, "sample_executions")) {
            for (Map.Entry<String, Long> e : query(ds, "SELECT key, count(*) FROM sample_executions WHERE key = "
                    + "ANY(?) GROUP BY key HAVING count(*) > 1", keys).entrySet()) {
                reexecuted += e.getValue() - 1;
                reexecutions.add("re-executed: key " + e.getKey() + " ran " + e.getValue() + " times (job "
                        + idByKey.get(e.getKey()) + "); its effect is recorded once");
            }
        }
        long enqueued = idByKey.size();
        JobCheck result = new JobCheck(enqueued, completed, enqueued - completed, duplicated, reexecuted,
                effectsMissing, notEnqueued, problems, reexecutions);
        if (progress != null) {
            progress.printf("jobs: %d enqueued, %d completed, %d lost, %d duplicated, %d re-executed%n", enqueued,
                    completed, result.lost(), duplicated, reexecuted);
        }
        return result;
    }

    private static List<Long> ids(Map<String, Long> idByKey) {
        return List.copyOf(idByKey.values());
    }

    private static long scalar(DataSource ds, String sql, List<Long> ids) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Runs a query with one text[] parameter that returns (text, bigint) rows. */
    private static Map<String, Long> query(DataSource ds, String sql, List<String> keys) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            Array array = c.createArrayOf("text", keys.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    private static boolean tableExists(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
