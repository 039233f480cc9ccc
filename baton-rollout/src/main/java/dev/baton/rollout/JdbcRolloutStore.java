package dev.baton.rollout;

import dev.baton.queue.AdvisoryLock;
import dev.baton.queue.WriteFence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Rollouts in PostgreSQL: one row per rollout (its whole {@link RolloutState} as JSON plus the columns a
 * listing needs), its events, and the instances it holds (pid, port, version, state). Every write is one
 * transaction, committed before the method returns, so a controller killed at any point finds each rollout
 * as it was before or after a step. Revisions number the rollouts 1, 2, 3… in the order they began.
 *
 * <p>A store {@link #fencedBy fenced} by a leader's term checks the term first in every write's transaction: a
 * deposed control plane's save, event, exit record or pause is refused with {@link dev.baton.queue.NotLeaderException}
 * and nothing of it is written.
 */
public final class JdbcRolloutStore implements RolloutStore {
    private static final String COLUMNS = "id, revision, paused, state::text, created_at, updated_at, generation";

    /** A stored rollout with what the store adds to its state. */
    public record Stored(String id, long revision, boolean paused, RolloutState state, Instant createdAt,
                         Instant updatedAt) {}

    /** An instance row: where a rollout's instance runs and what it was last seen doing. */
    public record InstanceRow(String id, String rolloutId, String version, String host, int port, long pid,
                              InstanceState state, Instant startedAt, Integer exitCode) {}

    private final DataSource ds;
    private final WriteFence fence;

    /** Migrates the rollout tables to the current schema (safe for two controllers starting at once). Writes unfenced. */
    public JdbcRolloutStore(DataSource ds) {
        this.ds = ds;
        this.fence = WriteFence.NONE;
        RolloutSchema.migrate(ds);
    }

    private JdbcRolloutStore(DataSource ds, WriteFence fence) {
        this.ds = ds;
        this.fence = fence;
    }

    /** The same tables, every write checking {@code fence} first in its transaction. */
    public JdbcRolloutStore fencedBy(WriteFence fence) {
        return new JdbcRolloutStore(ds, fence);
    }

    /**
     * Checked on the generation: the row is written only while it is still at {@code st.generation()} (a new
     * rollout: while there is no row), so of two writers that read the same generation only the first saves.
     */
    @Override
    public RolloutState save(RolloutState st) {
        return write("save rollout " + st.id(), c -> {
            RolloutState saved = st.atGeneration(st.generation() + 1);
            boolean written = st.generation() == 0 ? insert(c, saved) : update(c, saved, st.generation());
            if (!written) {
                throw new StaleRolloutException(st.id(), st.generation(), storedGeneration(c, st.id()));
            }
            saveInstances(c, saved);
            return saved;
        });
    }

    private static boolean update(Connection c, RolloutState st, long readAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE baton_rollouts SET phase = ?, step_index = ?, reason = ?, "
                + "state = ?::jsonb, generation = ?, updated_at = now() WHERE id = ? AND generation = ?")) {
            ps.setString(1, st.phase().name());
            ps.setInt(2, st.stepIndex());
            ps.setString(3, st.reason());
            ps.setString(4, RolloutStateJson.write(st));
            ps.setLong(5, st.generation());
            ps.setString(6, st.id());
            ps.setLong(7, readAt);
            return ps.executeUpdate() == 1;
        }
    }

    private static long storedGeneration(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT generation FROM baton_rollouts WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * The first save of a rollout numbers it: revisions have no gaps, so the lock serializes the numbering.
     * False when the rollout is stored already (another writer saved it first).
     */
    private static boolean insert(Connection c, RolloutState st) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, AdvisoryLock.ROLLOUT_REVISION.key());
            lock.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO baton_rollouts (id, revision, app, version, stable_version, strategy, phase, step_index, reason, state,
                    generation)
                SELECT ?, coalesce(max(revision), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ? FROM baton_rollouts
                ON CONFLICT (id) DO NOTHING""")) {
            ps.setString(1, st.id());
            ps.setString(2, st.spec().app());
            ps.setString(3, st.targetVersion());
            ps.setString(4, st.stableVersion());
            ps.setString(5, st.spec().strategy().type());
            ps.setString(6, st.phase().name());
            ps.setInt(7, st.stepIndex());
            ps.setString(8, st.reason());
            ps.setString(9, RolloutStateJson.write(st));
            ps.setLong(10, st.generation());
            return ps.executeUpdate() == 1;
        }
    }

    private static void saveInstances(Connection c, RolloutState st) throws SQLException {
        String[] ids = st.instances().stream().map(InstanceView::id).toArray(String[]::new);
        try (PreparedStatement del = c.prepareStatement(
                "DELETE FROM baton_instances WHERE rollout_id = ? AND NOT (id = ANY (?)) AND exit_code IS NULL")) {
            del.setString(1, st.id());
            del.setArray(2, c.createArrayOf("text", ids));
            del.executeUpdate();
        }
        try (PreparedStatement up = c.prepareStatement("""
                INSERT INTO baton_instances (id, rollout_id, version, host, port, pid, state, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET rollout_id = EXCLUDED.rollout_id, state = EXCLUDED.state,
                    pid = EXCLUDED.pid, updated_at = now()""")) {
            for (InstanceView v : st.instances()) {
                Instance i = v.instance();
                up.setString(1, i.id());
                up.setString(2, st.id());
                up.setString(3, i.version());
                up.setString(4, i.host());
                up.setInt(5, i.port());
                up.setLong(6, i.pid());
                up.setString(7, v.state().name());
                up.setTimestamp(8, Timestamp.from(i.startedAt()));
                up.addBatch();
            }
            up.executeBatch();
        }
    }

    @Override
    public void append(RolloutEvent e) {
        write("append an event to rollout " + e.rolloutId(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO baton_rollout_events (rollout_id, at, kind, step, detail) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, e.rolloutId());
                ps.setTimestamp(2, Timestamp.from(e.at()));
                ps.setString(3, e.kind().name());
                ps.setString(4, e.step());
                ps.setString(5, e.detail() == null ? "" : e.detail());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Upserts the instance's row as FAILED with its exit code; rows with an exit code outlive the rollout's state. */
    @Override
    public void recordExit(String rolloutId, Instance i, int exitCode) {
        write("record the exit of " + i.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO baton_instances (id, rollout_id, version, host, port, pid, state, started_at, exit_code)
                    VALUES (?, ?, ?, ?, ?, ?, 'FAILED', ?, ?)
                    ON CONFLICT (id) DO UPDATE SET state = 'FAILED', exit_code = EXCLUDED.exit_code, updated_at = now()""")) {
                ps.setString(1, i.id());
                ps.setString(2, rolloutId);
                ps.setString(3, i.version());
                ps.setString(4, i.host());
                ps.setInt(5, i.port());
                ps.setLong(6, i.pid());
                ps.setTimestamp(7, Timestamp.from(i.startedAt()));
                ps.setInt(8, exitCode);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<RolloutState> load(String rolloutId) {
        return find(rolloutId).map(Stored::state);
    }

    /** A rollout with its revision and pause flag. */
    public Optional<Stored> find(String rolloutId) {
        return one("SELECT " + COLUMNS + " FROM baton_rollouts WHERE id = ?", rolloutId);
    }

    /** A rollout by revision number. */
    public Optional<Stored> byRevision(long revision) {
        return one("SELECT " + COLUMNS + " FROM baton_rollouts WHERE revision = ?", revision);
    }

    /** The newest rollout that has not finished (the one a restarted controller resumes), if any. */
    public Optional<Stored> unfinished() {
        return one("SELECT " + COLUMNS + " FROM baton_rollouts WHERE phase IN ('PROGRESSING', 'ROLLING_BACK') "
                + "ORDER BY revision DESC LIMIT 1");
    }

    /** The newest rollout of any phase. */
    public Optional<Stored> latest() {
        return one("SELECT " + COLUMNS + " FROM baton_rollouts ORDER BY revision DESC LIMIT 1");
    }

    /** The newest {@code limit} rollouts, newest first. */
    public List<Stored> history(int limit) {
        return query("SELECT " + COLUMNS + " FROM baton_rollouts ORDER BY revision DESC LIMIT ?", limit);
    }

    /** Marks a rollout paused or not; false when there is no such rollout. */
    public boolean setPaused(String rolloutId, boolean paused) {
        return write("pause rollout " + rolloutId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE baton_rollouts SET paused = ?, updated_at = now() WHERE id = ?")) {
                ps.setBoolean(1, paused);
                ps.setString(2, rolloutId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<RolloutEvent> events(String rolloutId) {
        return run("read the events of rollout " + rolloutId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT at, kind, step, detail FROM baton_rollout_events WHERE rollout_id = ? ORDER BY id")) {
                ps.setString(1, rolloutId);
                List<RolloutEvent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RolloutEvent(rolloutId, rs.getTimestamp(1).toInstant(),
                                RolloutEvent.Kind.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4)));
                    }
                }
                return out;
            }
        });
    }

    /** Every instance row, by id. */
    public List<InstanceRow> instances() {
        return run("read the instances", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT id, rollout_id, version, host, port, pid, state, started_at, exit_code FROM baton_instances ORDER BY id")) {
                List<InstanceRow> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new InstanceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5), rs.getLong(6), InstanceState.valueOf(rs.getString(7)),
                            rs.getTimestamp(8).toInstant(), (Integer) rs.getObject(9)));
                }
                return out;
            }
        });
    }

    private Optional<Stored> one(String sql, Object... params) {
        return query(sql, params).stream().findFirst();
    }

    private List<Stored> query(String sql, Object... params) {
        return run("read rollouts", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                List<Stored> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Stored(rs.getString(1), rs.getLong(2), rs.getBoolean(3),
                                RolloutStateJson.read(rs.getString(4)).atGeneration(rs.getLong(7)),
                                rs.getTimestamp(5).toInstant(),
                                rs.getTimestamp(6).toInstant()));
                    }
                }
                return out;
            }
        });
    }

    private interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    /** {@code work} in one transaction that checks the fence first; committed when it returns, else rolled back. */
    private <T> T write(String what, Work<T> work) {
        return run(what, c -> {
            c.setAutoCommit(false);
            try {
                fence.check(c);
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
    }

    private <T> T run(String what, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
