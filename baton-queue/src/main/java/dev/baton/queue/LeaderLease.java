package dev.baton.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A leader lease in {@code baton_leadership}: one row per election, taken by a candidate only once it has expired,
 * renewed by its holder, every time measured by the database clock ({@code now()}), so the candidates' clocks never
 * matter. Each take raises the term by one: the fencing token of the holder's writes ({@link LeaderTerm}).
 *
 * <p>A lease rather than a session advisory lock: a leader that is frozen (SIGSTOP, a long GC pause, a partition)
 * keeps its session and would keep an advisory lock for ever, while its lease simply runs out.
 */
public final class LeaderLease {

    /** Who holds the lease, at which term, until when, and whether that is still in the future by the database clock. */
    public record Holder(String holder, long term, Instant expiresAt, boolean live) {}

    private final DataSource ds;
    private final String name;
    private final Duration ttl;

    public LeaderLease(DataSource ds, String name, Duration ttl) {
        if (ttl.toMillis() < 100) {
            throw new IllegalArgumentException("lease: must be at least 100ms, got " + ttl);
        }
        this.ds = ds;
        this.name = name;
        this.ttl = ttl;
    }

    public String name() { return name; }
    public Duration ttl() { return ttl; }

    /**
     * Takes the lease for {@code holder} when there is none, it has expired, or it is {@code holder}'s own (a holder
     * that restarted: a holder name must belong to one process at a time); the new term, or empty when another holds it.
     */
    public Optional<LeaderTerm> acquire(String holder) {
        return take(holder, "WHERE baton_leadership.expires_at <= now() OR baton_leadership.holder = EXCLUDED.holder");
    }

    private Optional<LeaderTerm> take(String holder, String condition) {
        return Sql.auto(ds, "take the leader lease " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO baton_leadership (name, holder, term, expires_at) VALUES (?, ?, 1, now() + ? * interval '1 millisecond')
                    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, term = baton_leadership.term + 1,
                        expires_at = EXCLUDED.expires_at
                    """ + condition + " RETURNING term")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                ps.setLong(3, ttl.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new LeaderTerm(name, holder, rs.getLong(1))) : Optional.empty();
                }
            }
        });
    }

    /** Extends {@code term}'s lease by the ttl from now; false when the term has ended (taken over or expired). */
    public boolean renew(LeaderTerm term) {
        return update(term, ttl, "renew");
    }

    /** Ends {@code term}'s lease now, so a standby takes over at once; false when it had ended already. */
    public boolean release(LeaderTerm term) {
        return update(term, Duration.ZERO, "release");
    }

    private boolean update(LeaderTerm term, Duration from, String what) {
        return Sql.auto(ds, what + " the leader lease " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE baton_leadership "
                    + "SET expires_at = now() + ? * interval '1 millisecond' WHERE " + LeaderTerm.HOLDS)) {
                ps.setLong(1, from.toMillis());
                term.bind(ps, 2);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The lease as it stands, if it was ever taken. */
    public Optional<Holder> current() {
        return Sql.auto(ds, "read the leader lease " + name, c -> current(c, name));
    }

    private static Optional<Holder> current(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT holder, term, expires_at, expires_at > now() FROM baton_leadership WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Holder(rs.getString(1), rs.getLong(2), Sql.instant(rs, 3), rs.getBoolean(4)))
                        : Optional.empty();
            }
        }
    }

    /** Who leads now, in words, for an error message. */
    static String describe(Connection c, String name) throws SQLException {
        return current(c, name).map(h -> (h.live() ? "the leader is " : "the lease lapsed; last held by ") + h.holder()
                + " (term " + h.term() + ")").orElse("no leader");
    }
}
