package dev.baton.queue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A migrated schema with empty tables before each test, a queue on a test clock, and SQL helpers. */
abstract class QueueTestSupport {

    static final String WORKER = "worker-1";

    protected static DataSource ds;
    protected TestClock clock;
    protected JobQueue queue;

    @BeforeAll
    static void migrate() {
        ds = TestDatabase.dataSource();
        QueueSchema.migrate(ds);
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE baton_jobs, baton_workers, baton_job_routing, baton_queue_pauses RESTART IDENTITY");
        }
        clock = new TestClock();
        queue = new JobQueue(ds, config(), clock);
    }

    /** Override for a different lease or retry policy. */
    QueueConfig config() {
        return QueueConfig.defaults().withRetryPolicy(RetryPolicy.fixed(Duration.ofSeconds(10)));
    }

    static ClaimRequest claimOf(String worker, String... kinds) {
        return new ClaimRequest(worker, null, Set.of(kinds), Set.of(), 10);
    }

    static long count(String where) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM baton_jobs WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    Job job(long id) {
        return queue.find(id).orElseThrow();
    }
}
