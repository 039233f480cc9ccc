package dev.baton.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The routing table in {@code baton_job_routing}, and a snapshot of it (with the live workers) cached
 * for {@link #CACHE_NANOS}, so that claiming reads the database for routing at most once a second,
 * and not at all beyond one cheap query when there is no routing.
 */
final class PgJobRouting implements JobRouting {

    static final long CACHE_NANOS = 1_000_000_000L;

    private record Cached(RoutingSnapshot snapshot, long loadedAt) {}

    private final DataSource ds;
    private final WorkerRegistry workers;
    private volatile Cached cached;

    PgJobRouting(DataSource ds, WorkerRegistry workers) {
        this.ds = ds;
        this.workers = workers;
    }

    /**
     * This routing with its writes fenced: each checks {@code fence} first in its transaction (a control plane's
     * routing, written only while it leads). Reads and the claim-side cache are this one's.
     */
    JobRouting fencedBy(WriteFence fence) {
        return new JobRouting() {
            @Override
            public void setShares(LinkedHashMap<String, Integer> percentByVersion) {
                write(percentByVersion, fence);
            }

            @Override
            public void clear() {
                PgJobRouting.this.clear(fence);
            }

            @Override
            public Map<String, Integer> shares() {
                return PgJobRouting.this.shares();
            }
        };
    }

    @Override
    public void setShares(LinkedHashMap<String, Integer> percentByVersion) {
        write(percentByVersion, WriteFence.NONE);
    }

    private void write(LinkedHashMap<String, Integer> percentByVersion, WriteFence fence) {
        List<RoutingSnapshot.Share> shares = validate(percentByVersion);
        Set<String> liveVersions = workers.live().stream()
                .map(WorkerInfo::version).filter(v -> v != null).collect(Collectors.toSet());
        for (RoutingSnapshot.Share s : shares) {
            if (!liveVersions.contains(s.version())) {
                throw new IllegalArgumentException(
                        "shares." + s.version() + ": no live worker has version " + s.version());
            }
        }
        Sql.inTransaction(ds, "set job routing", c -> {
            fence.check(c);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM baton_job_routing");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO baton_job_routing "
                    + "(version, percent, position, first_bucket, last_bucket) VALUES (?, ?, ?, ?, ?)")) {
                int position = 0;
                for (RoutingSnapshot.Share s : shares) {
                    ps.setString(1, s.version());
                    ps.setInt(2, s.percent());
                    ps.setInt(3, position++);
                    ps.setInt(4, s.first());
                    ps.setInt(5, s.last());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
        invalidate();
    }

    /** Each version gets the next {@code percent} buckets, in the map's order. */
    static List<RoutingSnapshot.Share> validate(LinkedHashMap<String, Integer> percentByVersion) {
        if (percentByVersion == null || percentByVersion.isEmpty()) {
            throw new IllegalArgumentException("shares: must name at least one version (use clear() for no routing)");
        }
        List<RoutingSnapshot.Share> shares = new ArrayList<>();
        int next = 0;
        for (Map.Entry<String, Integer> e : percentByVersion.entrySet()) {
            String version = e.getKey();
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("shares: version names must not be empty");
            }
            Integer percent = e.getValue();
            if (percent == null || percent < 0 || percent > 100) {
                throw new IllegalArgumentException("shares." + version + ": must be within 0..100, got " + percent);
            }
            shares.add(new RoutingSnapshot.Share(version, percent, next, next + percent - 1));
            next += percent;
        }
        if (next != 100) {
            throw new IllegalArgumentException("shares: must sum to 100, got " + next + " " + percentByVersion);
        }
        return shares;
    }

    @Override
    public void clear() {
        clear(WriteFence.NONE);
    }

    private void clear(WriteFence fence) {
        Sql.inTransaction(ds, "clear job routing", c -> {
            fence.check(c);
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("DELETE FROM baton_job_routing");
            }
        });
        invalidate();
    }

    @Override
    public Map<String, Integer> shares() {
        Map<String, Integer> result = new LinkedHashMap<>();
        for (RoutingSnapshot.Share s : loadShares()) {
            result.put(s.version(), s.percent());
        }
        return Collections.unmodifiableMap(result);
    }

    /** The routing snapshot, at most about a second old. */
    RoutingSnapshot snapshot() {
        Cached c = cached;
        long now = System.nanoTime();
        if (c == null || now - c.loadedAt() > CACHE_NANOS) {
            List<RoutingSnapshot.Share> shares = loadShares();
            RoutingSnapshot snapshot = shares.isEmpty()
                    ? RoutingSnapshot.NONE
                    : new RoutingSnapshot(shares, workers.live());
            c = new Cached(snapshot, now);
            cached = c;
        }
        return c.snapshot();
    }

    /** Forget the snapshot: this process changed routing or the worker set. */
    void invalidate() {
        cached = null;
    }

    private List<RoutingSnapshot.Share> loadShares() {
        return Sql.auto(ds, "read job routing", c -> {
            List<RoutingSnapshot.Share> shares = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT version, percent, first_bucket, last_bucket "
                         + "FROM baton_job_routing ORDER BY position")) {
                while (rs.next()) {
                    shares.add(new RoutingSnapshot.Share(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
                }
            }
            return shares;
        });
    }
}
