package dev.baton.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * An operator's commands on jobs by id ({@code baton jobs retry|discard}): each id is either changed or
 * reported with the reason it was not (no such job, already completed, running, its unique key taken …), so
 * a command never answers "0 of 1" without saying why.
 */
public final class JobCommands {

    /** What became of one id. {@code reason} is null when it was changed. */
    public record Outcome(long id, boolean changed, String reason) {
        static Outcome changed(long id) {
            return new Outcome(id, true, null);
        }
    }

    /** One entry of a job's error history. */
    public record Attempt(int attempt, String at, String error, String version, String outcome) {}

    /** A job with its whole error history, oldest first. */
    public record Detail(Job job, List<Attempt> history) {}

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final DataSource ds;
    private final Clock clock;

    public JobCommands(DataSource ds, Clock clock) {
        this.ds = ds;
        this.clock = clock;
    }

    /**
     * Dead letters back to the queue, runnable now with their attempts reset (as
     * {@link JobQueue#retryDiscarded}); only discarded jobs whose unique key no unfinished job holds.
     */
    public List<Outcome> retry(Collection<Long> ids) {
        Set<Long> wanted = distinct(ids);
        Set<Long> changed = Sql.auto(ds, "retry discarded jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE baton_jobs j SET state = 'AVAILABLE', "
                    + "attempt = 0, run_at = ?, finished_at = NULL WHERE j.id = ANY(?) AND j.state = 'DISCARDED' AND "
                    + Maintenance.KEY_FREE + " RETURNING j.id")) {
                ps.setObject(1, Sql.ts(clock.instant()));
                ps.setArray(2, Sql.longs(c, wanted));
                return ids(ps);
            }
        });
        return explain(wanted, changed, (state, key) -> switch (state) {
            case DISCARDED -> key == null ? "changed meanwhile" : "its unique key '" + key
                    + "' is held by another job (unfinished, or a newer discarded one): that one does the work";
            case COMPLETED -> "already completed; only discarded jobs are retried";
            case AVAILABLE -> "waiting in the queue already; only discarded jobs are retried";
            case RUNNING -> "running now; only discarded jobs are retried";
        });
    }

    /**
     * Discards jobs that wait in the queue (available, scheduled or waiting for a retry), recording
     * {@code reason} in their error history. A running job is left to its worker; a finished one is unchanged.
     */
    public List<Outcome> discard(Collection<Long> ids, String reason) {
        Set<Long> wanted = distinct(ids);
        var now = clock.instant();
        Set<Long> changed = Sql.auto(ds, "discard jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE baton_jobs j SET state = 'DISCARDED', "
                    + "finished_at = ?, last_error_at = ?, " + ErrorHistory.APPEND
                    + " WHERE j.id = ANY(?) AND j.state = 'AVAILABLE' RETURNING j.id")) {
                ps.setObject(1, Sql.ts(now));
                ps.setObject(2, Sql.ts(now));
                ps.setString(3, now.toString());
                ps.setString(4, ErrorHistory.message(reason == null ? "discarded by request" : reason));
                ps.setString(5, ErrorHistory.Outcome.DISCARDED.json());
                ps.setArray(6, Sql.longs(c, wanted));
                return ids(ps);
            }
        });
        return explain(wanted, changed, (state, key) -> switch (state) {
            case DISCARDED -> "already discarded";
            case COMPLETED -> "already completed";
            case RUNNING -> "running on a worker now; discard it once it has failed, or let it finish";
            case AVAILABLE -> "changed meanwhile";
        });
    }

    /**
     * Jobs newest first, filtered by state, kind and queue (null: any), at most {@code limit} (1..1000). A
     * {@code state} of AVAILABLE includes scheduled jobs and jobs waiting for a retry.
     */
    public List<Job> list(JobState state, String kind, String queue, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit: must be 1..1000, got " + limit);
        }
        return Sql.auto(ds, "list jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRows.COLUMNS + " FROM baton_jobs j WHERE "
                    + "(?::text IS NULL OR j.state = ?) AND (?::text IS NULL OR j.kind = ?) "
                    + "AND (?::text IS NULL OR j.queue = ?) ORDER BY j.id DESC LIMIT ?")) {
                String st = state == null ? null : state.name();
                ps.setString(1, st);
                ps.setString(2, st);
                ps.setString(3, kind);
                ps.setString(4, kind);
                ps.setString(5, queue);
                ps.setString(6, queue);
                ps.setInt(7, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    return JobRows.readAll(rs);
                }
            }
        });
    }

    /** A job and its whole error history (attempt, time, error, version, outcome of each entry); empty when none. */
    public java.util.Optional<Detail> show(long id) {
        return Sql.auto(ds, "show job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + JobRows.COLUMNS + ", j.errors::text FROM baton_jobs j WHERE j.id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return java.util.Optional.empty();
                    }
                    Job job = JobRows.read(rs);
                    List<Attempt> history = new ArrayList<>();
                    try {
                        for (var e : JSON.readTree(rs.getString(rs.getMetaData().getColumnCount()))) {
                            history.add(new Attempt(e.path("attempt").asInt(), e.path("at").asText(null),
                                    e.path("error").asText(null), e.path("version").asText(null),
                                    e.path("outcome").asText(null)));
                        }
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException("errors of job " + id + " are not a JSON array", e);
                    }
                    return java.util.Optional.of(new Detail(job, history));
                }
            }
        });
    }

    /** Jobs of one kind and queue that finished in the last minute: completed, and discarded (dead letters). */
    public record Throughput(String kind, String queue, long completed, long discarded) {}

    /** What finished in the minute before now, by kind and queue ({@code baton jobs --watch}). */
    public List<Throughput> lastMinute() {
        return Sql.auto(ds, "jobs finished in the last minute", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT kind, queue, count(*) FILTER (WHERE state = 'COMPLETED'), "
                    + "count(*) FILTER (WHERE state = 'DISCARDED') FROM baton_jobs WHERE finished_at >= ? "
                    + "GROUP BY kind, queue ORDER BY kind, queue")) {
                ps.setObject(1, Sql.ts(clock.instant().minusSeconds(60)));
                try (ResultSet rs = ps.executeQuery()) {
                    List<Throughput> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new Throughput(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
                    }
                    return out;
                }
            }
        });
    }

    private interface Why {
        String of(JobState state, String uniqueKey);
    }

    private List<Outcome> explain(Set<Long> wanted, Set<Long> changed, Why why) {
        Set<Long> rest = new HashSet<>(wanted);
        rest.removeAll(changed);
        Map<Long, String> reasons = new HashMap<>();
        if (!rest.isEmpty()) {
            Sql.auto(ds, "read jobs", c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, state, unique_key FROM baton_jobs WHERE id = ANY(?)")) {
                    ps.setArray(1, Sql.longs(c, rest));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            reasons.put(rs.getLong(1), why.of(JobState.valueOf(rs.getString(2)), rs.getString(3)));
                        }
                    }
                }
                return null;
            });
        }
        List<Outcome> out = new ArrayList<>();
        for (long id : wanted) {
            out.add(changed.contains(id) ? Outcome.changed(id)
                    : new Outcome(id, false, reasons.getOrDefault(id, "no such job (never enqueued, or pruned)")));
        }
        return out;
    }

    private static Set<Long> ids(PreparedStatement ps) throws java.sql.SQLException {
        Set<Long> out = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private static Set<Long> distinct(Collection<Long> ids) {
        if (ids == null || ids.isEmpty() || ids.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("ids: required, a non-empty list of job ids");
        }
        return new LinkedHashSet<>(ids);
    }
}
