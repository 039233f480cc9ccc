package dev.baton.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Queues paused by an operator ({@code baton jobs pause QUEUE}): no worker claims a job of a paused queue until it
 * is resumed; jobs keep being enqueued, and jobs already running finish. Pauses live in their own table, so
 * nothing a deploy does to job routing can undo one.
 */
public final class QueuePauses {

    /** A paused queue, since when, and why (null when no reason was given). */
    public record Paused(String queue, Instant since, String reason) {}

    static final int MAX_NAME = 200;

    private final DataSource ds;
    private final Clock clock;
    private final WriteFence fence;

    public QueuePauses(DataSource ds, Clock clock) {
        this(ds, clock, WriteFence.NONE);
    }

    /** Pauses whose writes check {@code fence} first (a control plane's, written only while it leads). */
    public QueuePauses(DataSource ds, Clock clock, WriteFence fence) {
        this.ds = ds;
        this.clock = clock;
        this.fence = fence;
    }

    /** Pauses {@code queue}; false when it was paused already (its first reason is kept). */
    public boolean pause(String queue, String reason) {
        requireName(queue);
        return Sql.inTransaction(ds, "pause queue " + queue, c -> {
            fence.check(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO baton_queue_pauses (queue, paused_at, reason) "
                    + "VALUES (?, ?, ?) ON CONFLICT (queue) DO NOTHING")) {
                ps.setString(1, queue);
                ps.setObject(2, Sql.ts(clock.instant()));
                ps.setString(3, reason);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Resumes {@code queue}; false when it was not paused. */
    public boolean resume(String queue) {
        requireName(queue);
        return Sql.inTransaction(ds, "resume queue " + queue, c -> {
            fence.check(c);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM baton_queue_pauses WHERE queue = ?")) {
                ps.setString(1, queue);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static void requireName(String queue) {
        if (queue == null || queue.isBlank() || queue.length() > MAX_NAME || queue.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("queue: must be a queue name of 1.." + MAX_NAME
                    + " characters without NUL, got " + (queue == null ? "nothing" : "'" + queue + "'"));
        }
    }

    /** The paused queues, by name. */
    public List<Paused> paused() {
        return Sql.auto(ds, "read paused queues", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT queue, paused_at, reason FROM baton_queue_pauses ORDER BY queue");
                 ResultSet rs = ps.executeQuery()) {
                List<Paused> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Paused(rs.getString(1), Sql.instant(rs, 2), rs.getString(3)));
                }
                return out;
            }
        });
    }
}
