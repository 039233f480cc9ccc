package dev.baton.bench.queue;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The floor PostgreSQL sets: the queue's own claim and complete statements, driven by plain JDBC on a
 * dedicated connection with statements prepared once, and no queue code around them.
 */
public final class FloorWorker implements BatchWorker {

    /** Identical to the queue's claim statement (dev.baton.queue.Claimer, no routing, all queues). */
    static final String CLAIM = "WITH picked AS (SELECT id FROM baton_jobs "
            + "WHERE state = 'AVAILABLE' AND run_at <= ? AND kind = ANY(?)"
            + " ORDER BY priority DESC, run_at, id LIMIT ? FOR UPDATE SKIP LOCKED) "
            + "UPDATE baton_jobs j SET state = 'RUNNING', attempt = j.attempt + 1, fence = j.fence + 1, "
            + "lease_owner = ?, lease_expires_at = ?, version = ?, attempted_at = ? "
            + "FROM picked WHERE j.id = picked.id RETURNING j.id, j.kind, j.queue, j.payload::text, j.priority, "
            + "j.state, j.attempt, j.max_attempts, j.bucket, j.unique_key, j.run_at, j.created_at, j.lease_owner, "
            + "j.lease_expires_at, j.fence, j.version, j.errors::text";

    /** Identical to the queue's batch completion (dev.baton.queue.Settler#completeAll). */
    static final String COMPLETE = "UPDATE baton_jobs j SET state = 'COMPLETED', "
            + "finished_at = ?, lease_owner = NULL, lease_expires_at = NULL FROM unnest(?::bigint[], ?::bigint[], "
            + "?::text[]) AS t(id, fence, owner) WHERE j.id = t.id AND j.state = 'RUNNING' "
            + "AND j.lease_owner = t.owner AND j.fence = t.fence RETURNING j.id";

    private final Connection c;
    private final PreparedStatement claim;
    private final PreparedStatement complete;
    private final Array kinds;
    private final String workerId;
    private final int batch;

    public FloorWorker(DataSource ds, String workerId, int batch) throws SQLException {
        this.c = ds.getConnection();
        this.claim = c.prepareStatement(CLAIM);
        this.complete = c.prepareStatement(COMPLETE);
        this.kinds = c.createArrayOf("text", new String[] {QueueBench.KIND});
        this.workerId = workerId;
        this.batch = batch;
    }

    @Override
    public int claimAndComplete() throws SQLException {
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
        claim.setObject(1, now);
        claim.setArray(2, kinds);
        claim.setInt(3, batch);
        claim.setString(4, workerId);
        claim.setObject(5, now.plus(Duration.ofSeconds(30)));
        claim.setString(6, null);
        claim.setObject(7, now);
        List<Long> ids = new ArrayList<>(batch);
        List<Long> fences = new ArrayList<>(batch);
        List<String> owners = new ArrayList<>(batch);
        try (ResultSet rs = claim.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
                owners.add(rs.getString(13));
                fences.add(rs.getLong(15));
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        complete.setObject(1, OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC));
        complete.setArray(2, c.createArrayOf("bigint", ids.toArray()));
        complete.setArray(3, c.createArrayOf("bigint", fences.toArray()));
        complete.setArray(4, c.createArrayOf("text", owners.toArray()));
        int done = 0;
        try (ResultSet rs = complete.executeQuery()) {
            while (rs.next()) {
                done++;
            }
        }
        return done;
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }
}
