package dev.baton.server.verify;

import dev.baton.proof.EnqueuedJob;
import dev.baton.proof.JobLoadResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * For a canary that fails jobs: which version finally did each job that failed at least once — the stable
 * version after the rollback, or the canary itself on a later attempt before it. Read from the queue's error
 * history and the sample app's effects.
 */
final class FailedJobRetries {

    private FailedJobRetries() {}

    /** One line, e.g. {@code 11 job(s) failed at least once; then done by v6: 9, v7: 2}. */
    static String describe(DataSource ds, JobLoadResult jobs) {
        Map<String, Long> byVersion = new TreeMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(e.version, '(not done)'), count(*) "
                     + "FROM baton_jobs j LEFT JOIN sample_effects e ON e.key = j.unique_key "
                     + "WHERE j.unique_key = ANY(?) AND j.errors <> '[]'::jsonb GROUP BY 1")) {
            ps.setArray(1, c.createArrayOf("text", jobs.jobs().stream().map(EnqueuedJob::key).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byVersion.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            return "failed jobs: could not be read: " + e.getMessage();
        }
        long failed = byVersion.values().stream().mapToLong(Long::longValue).sum();
        return "retried: " + failed + " job(s) failed at least once; then done by "
                + (byVersion.isEmpty() ? "-" : byVersion.toString().replaceAll("[{}]", "").replace("=", ": "));
    }
}
