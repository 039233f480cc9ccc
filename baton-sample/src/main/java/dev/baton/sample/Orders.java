package dev.baton.sample;

import dev.baton.queue.Enqueued;
import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Creates orders the way an application should enqueue work: the business row and its job are
 * written in one transaction, so there is never an order without its job nor a job without its order.
 */
final class Orders {

    /**
     * The outcome of {@link #create}.
     *
     * @param created false when an order with that key already existed (nothing new was written)
     */
    record Order(long orderId, long jobId, String key, boolean created) {}

    private final DataSource ds;
    private final JobQueue queue;
    private final String version;

    Orders(DataSource ds, JobQueue queue, String version) {
        this.ds = ds;
        this.queue = queue;
        this.version = version;
    }

    /** Creates order {@code key} and its {@code sample.work} job; returns the existing one when the key is taken. */
    Order create(String key, Long ms) throws SQLException {
        String payload = "{\"key\":" + Json.quote(key) + (ms == null ? "" : ",\"ms\":" + ms) + "}";
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                Enqueued job = queue.enqueue(c, JobRequest.of(SampleSettings.WORK_KIND, payload).withUniqueKey(key));
                Long orderId = insert(c, key, job.id());
                if (orderId == null) {
                    // The key is taken: the job enqueued above disappears with the rollback.
                    c.rollback();
                    return existing(c, key);
                }
                c.commit();
                return new Order(orderId, job.id(), key, true);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Long insert(Connection c, String key, long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sample_orders (key, job_id, version) "
                + "VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING id")) {
            ps.setString(1, key);
            ps.setLong(2, jobId);
            ps.setString(3, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static Order existing(Connection c, String key) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement ps = c.prepareStatement("SELECT id, job_id FROM sample_orders WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("order " + key + " conflicted but cannot be read back");
                }
                return new Order(rs.getLong(1), rs.getLong(2), key, false);
            }
        }
    }
}
