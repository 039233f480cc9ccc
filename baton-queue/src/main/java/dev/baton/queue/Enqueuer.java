package dev.baton.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inserts jobs. A unique key is enforced by a partial unique index and {@code ON CONFLICT DO NOTHING},
 * so two producers racing on the same key cannot both insert; the loser reads the winner's job.
 * Every due job notifies channel {@value #CHANNEL} with its kind, delivered when the transaction commits.
 */
final class Enqueuer {

    static final String CHANNEL = "baton_jobs";

    private static final String INSERT_ONE = "WITH ins AS ("
            + "INSERT INTO baton_jobs (kind, queue, payload, priority, state, max_attempts, bucket, unique_key, "
            + "run_at, created_at) VALUES (?, ?, ?::jsonb, ?, 'AVAILABLE', ?, floor(random() * 100), ?, "
            + "coalesce(?::timestamptz, " + QueueTime.NOW + "), " + QueueTime.NOW + ") "
            + Sql.UNIQUE_CONFLICT + " RETURNING id, kind, run_at, created_at) "
            + "SELECT id, CASE WHEN run_at <= created_at THEN pg_notify('" + CHANNEL + "', kind) END FROM ins";

    private static final String INSERT_MANY = "INSERT INTO baton_jobs (id, kind, queue, payload, priority, state, "
            + "max_attempts, bucket, unique_key, run_at, created_at) "
            + "SELECT t.id, t.kind, t.queue, t.payload::jsonb, t.priority, 'AVAILABLE', t.max_attempts, "
            + "floor(random() * 100), t.unique_key, coalesce(t.run_at, " + QueueTime.NOW + "), " + QueueTime.NOW + " "
            + "FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::smallint[], ?::int[], ?::text[], "
            + "?::timestamptz[]) AS t(id, kind, queue, payload, priority, max_attempts, unique_key, run_at) "
            + Sql.UNIQUE_CONFLICT + " RETURNING id, kind, run_at <= created_at";

    private static final String EXISTING = "SELECT id FROM baton_jobs WHERE unique_key = ? AND state IN " + Sql.UNFINISHED;

    /** Rows per INSERT in a batch, so one statement's arrays stay moderate. */
    private static final int CHUNK = 5_000;

    private final QueueTime time;

    Enqueuer(QueueTime time) {
        this.time = time;
    }

    Enqueued enqueue(Connection c, JobRequest r) throws SQLException {
        if (r == null) {
            throw new IllegalArgumentException("request: must not be null");
        }
        OffsetDateTime now = time.now();
        // A key holder can finish between our conflict and our read; then the key is free again: insert anew.
        for (int round = 0; round < 10; round++) {
            Long inserted = insertOne(c, r, now);
            if (inserted != null) {
                return new Enqueued(inserted, false);
            }
            Long existing = existing(c, r.uniqueKey());
            if (existing != null) {
                return new Enqueued(existing, true);
            }
        }
        throw new IllegalStateException("uniqueKey: '" + r.uniqueKey() + "' keeps changing hands; giving up");
    }

    List<Enqueued> enqueueAll(Connection c, List<JobRequest> requests) throws SQLException {
        if (requests == null || requests.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("requests: must not be null or contain null");
        }
        List<Enqueued> result = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += CHUNK) {
            result.addAll(insertChunk(c, requests.subList(from, Math.min(requests.size(), from + CHUNK))));
        }
        return result;
    }

    private Long insertOne(Connection c, JobRequest r, OffsetDateTime now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_ONE)) {
            ps.setString(1, r.kind());
            ps.setString(2, r.queue());
            ps.setString(3, r.payload());
            ps.setInt(4, r.priority());
            ps.setInt(5, r.maxAttempts());
            ps.setString(6, r.uniqueKey());
            ps.setObject(7, Sql.ts(r.runAt()));
            ps.setObject(8, now);
            ps.setObject(9, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static Long existing(Connection c, String uniqueKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EXISTING)) {
            ps.setString(1, uniqueKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Three round trips: reserve ids (so results map to requests exactly), insert all, notify. */
    private List<Enqueued> insertChunk(Connection c, List<JobRequest> chunk) throws SQLException {
        OffsetDateTime now = time.now();
        int n = chunk.size();
        Long[] ids = reserveIds(c, n);
        String[] kinds = new String[n];
        String[] queues = new String[n];
        String[] payloads = new String[n];
        Integer[] priorities = new Integer[n];
        Integer[] maxAttempts = new Integer[n];
        String[] keys = new String[n];
        String[] runAts = new String[n];
        for (int i = 0; i < n; i++) {
            JobRequest r = chunk.get(i);
            kinds[i] = r.kind();
            queues[i] = r.queue();
            payloads[i] = r.payload();
            priorities[i] = r.priority();
            maxAttempts[i] = r.maxAttempts();
            keys[i] = r.uniqueKey();
            runAts[i] = r.runAt() == null ? null : Sql.ts(r.runAt()).toString();
        }
        Set<Long> inserted = new HashSet<>();
        Set<String> dueKinds = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement(INSERT_MANY)) {
            ps.setObject(1, now);
            ps.setObject(2, now);
            ps.setArray(3, c.createArrayOf("bigint", ids));
            ps.setArray(4, c.createArrayOf("text", kinds));
            ps.setArray(5, c.createArrayOf("text", queues));
            ps.setArray(6, c.createArrayOf("text", payloads));
            ps.setArray(7, c.createArrayOf("int4", priorities));
            ps.setArray(8, c.createArrayOf("int4", maxAttempts));
            ps.setArray(9, c.createArrayOf("text", keys));
            ps.setArray(10, c.createArrayOf("text", runAts));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getLong(1));
                    if (rs.getBoolean(3)) {
                        dueKinds.add(rs.getString(2));
                    }
                }
            }
        }
        notify(c, dueKinds);
        List<Enqueued> result = new ArrayList<>(n);
        Map<String, Long> byKey = new HashMap<>();
        for (int i = 0; i < n; i++) {
            JobRequest r = chunk.get(i);
            if (inserted.contains(ids[i])) {
                result.add(new Enqueued(ids[i], false));
                if (r.uniqueKey() != null) {
                    byKey.put(r.uniqueKey(), ids[i]);
                }
            } else {
                // A duplicate key, of a live job or of an earlier request in this batch.
                Long existing = byKey.get(r.uniqueKey());
                result.add(existing != null ? new Enqueued(existing, true) : enqueue(c, r));
            }
        }
        return result;
    }

    private static Long[] reserveIds(Connection c, int n) throws SQLException {
        Long[] ids = new Long[n];
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT nextval(pg_get_serial_sequence('baton_jobs', 'id')) FROM generate_series(1, ?)")) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                for (int i = 0; rs.next(); i++) {
                    ids[i] = rs.getLong(1);
                }
            }
        }
        return ids;
    }

    private static void notify(Connection c, Set<String> kinds) throws SQLException {
        if (kinds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(pg_notify('" + CHANNEL + "', k)) FROM unnest(?::text[]) AS k")) {
            ps.setArray(1, Sql.texts(c, kinds));
            ps.executeQuery().close();
        }
    }
}
