package dev.baton.worker;

import dev.baton.queue.JobQueue;
import dev.baton.queue.JobState;
import dev.baton.queue.QueueConfig;
import dev.baton.queue.QueueSchema;
import dev.baton.queue.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/** The shared embedded PostgreSQL, emptied before each test, and queries that check invariants. */
final class WorkerTestSupport {

    private static boolean migrated;

    private WorkerTestSupport() {}

    static synchronized DataSource dataSource() {
        DataSource ds = TestDatabase.dataSource();
        if (!migrated) {
            QueueSchema.migrate(ds);
            TestHandlers.createTables(ds);
            migrated = true;
        }
        return ds;
    }

    /** Empties the queue, the registry and the test handlers' tables. */
    static void reset() {
        execute(dataSource(), "TRUNCATE baton_jobs, baton_workers, baton_job_routing, "
                + TestHandlers.EFFECTS + ", " + TestHandlers.RUNS);
    }

    static JobQueue queue(Duration lease) {
        return new JobQueue(dataSource(), QueueConfig.defaults().withLeaseDuration(lease)
                .withWorkerTimeout(lease.multipliedBy(2)));
    }

    static long count(String sql, Object... args) {
        try (Connection c = dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static long jobs(JobState state) {
        return count("SELECT count(*) FROM baton_jobs WHERE state = ?", state.name());
    }

    /** Effects recorded per idempotency key. */
    static Map<String, Long> effectsByKey() {
        return groupCount("SELECT key, count(*) FROM " + TestHandlers.EFFECTS + " GROUP BY key");
    }

    /** Handler runs per idempotency key (a rerun after a crash counts twice). */
    static Map<String, Long> runsByKey() {
        return groupCount("SELECT key, count(*) FROM " + TestHandlers.RUNS + " GROUP BY key");
    }

    private static Map<String, Long> groupCount(String sql) {
        Map<String, Long> m = new HashMap<>();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                m.put(r.getString(1), r.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
        return m;
    }

    static void execute(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
