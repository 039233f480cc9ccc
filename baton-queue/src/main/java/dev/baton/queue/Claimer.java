package dev.baton.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Claims jobs in one statement: pick the claimable rows in claim order with
 * {@code FOR UPDATE SKIP LOCKED} (concurrent claimers pass each other instead of queueing on a row
 * lock), then mark them RUNNING with a lease, attempt +1 and fence +1, returning them.
 *
 * <p>Without routing the statement filters on kind and queue only. With routing, kinds are grouped
 * by the buckets this worker may take of them, and each group becomes one {@code kind = ANY(..) AND
 * bucket = ANY(..)} term.
 */
final class Claimer {

    private static final String PICK_HEAD = "WITH picked AS (SELECT id FROM baton_jobs "
            + "WHERE state = 'AVAILABLE' AND run_at <= " + QueueTime.NOW + " AND kind = ANY(?)";
    private static final String PICK_TAIL = " ORDER BY priority DESC, run_at, id LIMIT ? FOR UPDATE SKIP LOCKED) "
            + "UPDATE baton_jobs j SET state = 'RUNNING', attempt = j.attempt + 1, fence = j.fence + 1, "
            + "lease_owner = ?, lease_expires_at = " + QueueTime.NOW + " + " + QueueTime.INTERVAL
            + ", version = ?, attempted_at = " + QueueTime.NOW + " "
            + "FROM picked WHERE j.id = picked.id RETURNING " + JobRows.COLUMNS;

    /** Nothing is claimed from a queue an operator paused ({@link QueuePauses}). */
    private static final String NOT_PAUSED =
            " AND NOT EXISTS (SELECT 1 FROM baton_queue_pauses p WHERE p.queue = baton_jobs.queue)";

    static final Comparator<Job> CLAIM_ORDER = Comparator.comparingInt(Job::priority).reversed()
            .thenComparing(Job::runAt).thenComparingLong(Job::id);

    private final DataSource ds;
    private final QueueTime time;
    private final Duration lease;
    private final PgJobRouting routing;

    Claimer(DataSource ds, QueueTime time, Duration lease, PgJobRouting routing) {
        this.ds = ds;
        this.time = time;
        this.lease = lease;
        this.routing = routing;
    }

    List<Job> claim(ClaimRequest req) {
        if (req == null) {
            throw new IllegalArgumentException("request: must not be null");
        }
        RoutingSnapshot snapshot = routing.snapshot();
        Map<BitSet, List<String>> groups = snapshot.routed() ? groupKinds(snapshot, req) : null;
        if (groups != null && groups.isEmpty()) {
            return List.of();
        }
        OffsetDateTime now = time.now();
        return Sql.auto(ds, "claim", c -> {
            String sql = PICK_HEAD + NOT_PAUSED
                    + (req.queues().isEmpty() ? "" : " AND queue = ANY(?)")
                    + (groups == null ? "" : bucketPredicate(groups))
                    + PICK_TAIL;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setObject(i++, now);
                ps.setArray(i++, Sql.texts(c, groups == null ? req.kinds() : allKinds(groups)));
                if (!req.queues().isEmpty()) {
                    ps.setArray(i++, Sql.texts(c, req.queues()));
                }
                if (groups != null) {
                    i = bindBuckets(c, ps, i, groups);
                }
                ps.setInt(i++, req.limit());
                ps.setString(i++, req.workerId());
                ps.setObject(i++, now);
                ps.setLong(i++, QueueTime.micros(lease));
                ps.setString(i++, req.version());
                ps.setObject(i, now);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Job> jobs = JobRows.readAll(rs);
                    jobs.sort(CLAIM_ORDER);
                    return jobs;
                }
            }
        });
    }

    /** Kinds grouped by the buckets this worker may take of them; kinds with no bucket are left out. */
    private static Map<BitSet, List<String>> groupKinds(RoutingSnapshot snapshot, ClaimRequest req) {
        Map<BitSet, List<String>> groups = new LinkedHashMap<>();
        for (String kind : req.kinds().stream().sorted().toList()) {
            BitSet buckets = snapshot.claimable(req.version(), kind);
            if (!buckets.isEmpty()) {
                groups.computeIfAbsent(buckets, b -> new ArrayList<>()).add(kind);
            }
        }
        return groups;
    }

    private static List<String> allKinds(Map<BitSet, List<String>> groups) {
        return groups.values().stream().flatMap(List::stream).toList();
    }

    private static String bucketPredicate(Map<BitSet, List<String>> groups) {
        List<String> terms = new ArrayList<>();
        for (BitSet buckets : groups.keySet()) {
            terms.add(buckets.cardinality() == RoutingSnapshot.BUCKETS
                    ? "kind = ANY(?)" : "(kind = ANY(?) AND bucket = ANY(?))");
        }
        return " AND (" + String.join(" OR ", terms) + ")";
    }

    private static int bindBuckets(Connection c, PreparedStatement ps, int i, Map<BitSet, List<String>> groups)
            throws SQLException {
        for (Map.Entry<BitSet, List<String>> g : groups.entrySet()) {
            ps.setArray(i++, Sql.texts(c, g.getValue()));
            if (g.getKey().cardinality() != RoutingSnapshot.BUCKETS) {
                ps.setArray(i++, c.createArrayOf("int4", g.getKey().stream().boxed().toArray(Integer[]::new)));
            }
        }
        return i;
    }
}
