package dev.baton.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/** The worker registry in table {@code baton_workers}; times come from the queue's clock (the database's). */
final class PgWorkerRegistry implements WorkerRegistry {

    private final DataSource ds;
    private final QueueTime time;
    private final Duration timeout;
    private final Runnable onChange;

    PgWorkerRegistry(DataSource ds, QueueTime time, Duration timeout, Runnable onChange) {
        this.ds = ds;
        this.time = time;
        this.timeout = timeout;
        this.onChange = onChange;
    }

    @Override
    public void register(WorkerInfo w) {
        if (w == null) {
            throw new IllegalArgumentException("worker: must not be null");
        }
        OffsetDateTime now = time.now();
        Sql.auto(ds, "register worker " + w.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO baton_workers "
                    + "(id, version, host, pid, kinds, started_at, last_seen) VALUES (?, ?, ?, ?, ?, coalesce(?::timestamptz, "
                    + QueueTime.NOW + "), " + QueueTime.NOW + ") "
                    + "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, host = EXCLUDED.host, "
                    + "pid = EXCLUDED.pid, kinds = EXCLUDED.kinds, started_at = EXCLUDED.started_at, "
                    + "last_seen = EXCLUDED.last_seen")) {
                ps.setString(1, w.id());
                ps.setString(2, w.version());
                ps.setString(3, w.host());
                ps.setLong(4, w.pid());
                ps.setArray(5, Sql.texts(c, w.kinds()));
                ps.setObject(6, Sql.ts(w.startedAt()));
                ps.setObject(7, now);
                ps.setObject(8, now);
                return ps.executeUpdate();
            }
        });
        onChange.run();
    }

    @Override
    public void touch(String workerId) {
        Sql.auto(ds, "touch worker " + workerId, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE baton_workers SET last_seen = "
                    + QueueTime.NOW + " WHERE id = ?")) {
                ps.setObject(1, time.now());
                ps.setString(2, workerId);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void deregister(String workerId) {
        Sql.auto(ds, "deregister worker " + workerId, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM baton_workers WHERE id = ?")) {
                ps.setString(1, workerId);
                return ps.executeUpdate();
            }
        });
        onChange.run();
    }

    @Override
    public List<WorkerInfo> live() {
        return Sql.auto(ds, "list live workers", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, version, host, pid, kinds, started_at, "
                    + "last_seen FROM baton_workers WHERE last_seen >= " + QueueTime.NOW + " - " + QueueTime.INTERVAL
                    + " ORDER BY started_at, id")) {
                ps.setObject(1, time.now());
                ps.setLong(2, QueueTime.micros(timeout));
                List<WorkerInfo> workers = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String[] kinds = (String[]) rs.getArray(5).getArray();
                        workers.add(new WorkerInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                Set.of(kinds), Sql.instant(rs, 6), Sql.instant(rs, 7)));
                    }
                }
                return workers;
            }
        });
    }
}
