package dev.baton.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Read-only statistics. Each part reads through a partial index of its state, so the cost follows
 * the unfinished jobs, not the completed history.
 */
final class StatsQueries {

    /** The time is read once ({@code t.now}) so that every column agrees on it. */
    private static final String DEPTH = "SELECT kind, queue, "
            + "count(*) FILTER (WHERE state = 'AVAILABLE' AND run_at <= t.now), "
            + "count(*) FILTER (WHERE state = 'AVAILABLE' AND run_at > t.now), "
            + "count(*) FILTER (WHERE state = 'RUNNING'), "
            + "count(*) FILTER (WHERE state = 'DISCARDED'), "
            + "extract(epoch FROM greatest(interval '0', t.now - min(run_at) FILTER (WHERE state = 'AVAILABLE' "
            + "AND run_at <= t.now))) "
            + "FROM (SELECT " + QueueTime.NOW + " AS now) t, "
            + "(SELECT kind, queue, state, run_at FROM baton_jobs WHERE state = 'AVAILABLE' "
            + "UNION ALL SELECT kind, queue, state, run_at FROM baton_jobs WHERE state = 'RUNNING' "
            + "UNION ALL SELECT kind, queue, state, run_at FROM baton_jobs WHERE state = 'DISCARDED') live "
            + "GROUP BY kind, queue, t.now ORDER BY kind, queue";

    private static final String COMPLETED = "SELECT version, count(*), "
            + "avg(extract(epoch FROM finished_at - attempted_at)), "
            + "percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - attempted_at)) "
            + "FROM baton_jobs WHERE state = 'COMPLETED' AND finished_at >= ? AND version IS NOT NULL GROUP BY version";

    private static final String FAILED = "SELECT e->>'version', count(*) "
            + "FROM baton_jobs j, jsonb_array_elements(j.errors) e WHERE j.last_error_at >= ? "
            + "AND e->>'outcome' IN " + ErrorHistory.FAILURE_OUTCOMES + " AND (e->>'at')::timestamptz >= ? "
            + "AND e->>'version' IS NOT NULL GROUP BY 1";

    private static final String DISCARDED = "SELECT version, count(*) FROM baton_jobs "
            + "WHERE state = 'DISCARDED' AND finished_at >= ? AND version IS NOT NULL GROUP BY version";

    private final DataSource ds;
    private final QueueTime time;

    StatsQueries(DataSource ds, QueueTime time) {
        this.ds = ds;
        this.time = time;
    }

    QueueStats stats() {
        return Sql.auto(ds, "queue stats", c -> {
            try (PreparedStatement ps = c.prepareStatement(DEPTH)) {
                ps.setObject(1, time.now());
                List<KindStats> kinds = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        kinds.add(new KindStats(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                                rs.getLong(5), rs.getLong(6), seconds(rs.getDouble(7))));
                    }
                }
                return new QueueStats(kinds);
            }
        });
    }

    Map<String, VersionJobStats> versionStats(Instant since) {
        if (since == null) {
            throw new IllegalArgumentException("since: must not be null");
        }
        return Sql.auto(ds, "version stats", c -> {
            Map<String, long[]> counts = new LinkedHashMap<>();
            Map<String, Duration[]> durations = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(COMPLETED)) {
                ps.setObject(1, Sql.ts(since));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.computeIfAbsent(rs.getString(1), v -> new long[3])[0] = rs.getLong(2);
                        durations.put(rs.getString(1), new Duration[] {seconds(rs.getDouble(3)), seconds(rs.getDouble(4))});
                    }
                }
            }
            for (int column = 1; column <= 2; column++) {
                try (PreparedStatement ps = c.prepareStatement(column == 1 ? FAILED : DISCARDED)) {
                    ps.setObject(1, Sql.ts(since));
                    if (column == 1) {
                        ps.setObject(2, Sql.ts(since));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            counts.computeIfAbsent(rs.getString(1), v -> new long[3])[column] = rs.getLong(2);
                        }
                    }
                }
            }
            Map<String, VersionJobStats> result = new LinkedHashMap<>();
            Set<String> versions = new TreeSet<>(counts.keySet());
            for (String v : versions) {
                long[] n = counts.get(v);
                Duration[] d = durations.getOrDefault(v, new Duration[2]);
                result.put(v, new VersionJobStats(v, n[0], n[1], n[2], d[0], d[1]));
            }
            return result;
        });
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
