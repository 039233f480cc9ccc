package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A queue built without a test clock takes every time from the database, so processes on machines
 * whose clocks disagree agree on leases. Proven inside one transaction, where {@code now()} stands still:
 * any time taken from this JVM's clock instead would differ from it.
 */
class DatabaseClockTest extends QueueTestSupport {

    private final JobQueue databaseTimed = new JobQueue(ds, QueueConfig.defaults());

    @Test
    void enqueueInsideATransactionStampsTheTransactionsDatabaseTime() throws SQLException {
        try (Connection tx = ds.getConnection()) {
            tx.setAutoCommit(false);
            Instant txNow = databaseNow(tx);
            long id = databaseTimed.enqueue(tx, JobRequest.of("k", "{}")).id();
            try (Statement s = tx.createStatement();
                 ResultSet rs = s.executeQuery("SELECT created_at, run_at FROM baton_jobs WHERE id = " + id)) {
                rs.next();
                assertThat(rs.getObject(1, OffsetDateTime.class).toInstant()).isEqualTo(txNow);
                assertThat(rs.getObject(2, OffsetDateTime.class).toInstant()).isEqualTo(txNow);
            }
            tx.commit();
        }
    }

    @Test
    void aBatchIsStampedWithTheDatabaseTimeAndItsScheduledJobStaysScheduled()
            throws SQLException {
        long id = databaseTimed.enqueueAll(List.of(JobRequest.of("k", "{}"),
                JobRequest.of("k", "{}").withRunAt(Instant.now().plus(Duration.ofHours(1))))).get(0).id();
        assertThat(count("created_at = run_at AND id = " + id)).isEqualTo(1);
        assertThat(databaseTimed.claim(claimOf(WORKER, "k"))).extracting(Job::id).containsExactly(id);
    }

    @Test
    void leasesAreMeasuredOnTheDatabaseClockAndALiveLeaseIsNeverRescued() throws SQLException {
        databaseTimed.enqueue(JobRequest.of("k", "{}"));
        Instant before;
        try (Connection c = ds.getConnection()) {
            before = databaseNow(c);
        }
        Job job = databaseTimed.claim(claimOf(WORKER, "k")).get(0);
        assertThat(count("lease_expires_at = attempted_at + interval '30 seconds' AND attempted_at >= '"
                + before + "' AND attempted_at <= now()")).isEqualTo(1);
        assertThat(databaseTimed.rescueExpired()).isZero();
        assertThat(databaseTimed.heartbeat(WORKER, List.of(job.lease()))).containsExactly(job.lease());

        // Expired by the database's clock, whatever this JVM's says.
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE baton_jobs SET lease_expires_at = now() - interval '1 millisecond'");
        }
        assertThat(databaseTimed.rescueExpired()).isEqualTo(1);
        assertThat(databaseTimed.find(job.id()).orElseThrow().state()).isEqualTo(JobState.AVAILABLE);
    }

    private static Instant databaseNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }
}
