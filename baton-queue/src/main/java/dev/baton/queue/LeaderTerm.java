package dev.baton.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One control plane's term as leader of election {@code name}: the fencing token of its writes. Terms only grow
 * (+1 on every take of the lease), so a writer whose term is not the lease's current one, or whose lease has
 * expired by the database clock, is deposed and its writes are refused.
 */
public record LeaderTerm(String name, String holder, long term) implements WriteFence {

    /**
     * The rule every fenced write and every renewal applies, in SQL over {@code baton_leadership}, with
     * {@link #bind} filling its three parameters: the row is still this holder's, at this term, and not expired.
     */
    static final String HOLDS = "name = ? AND holder = ? AND term = ? AND expires_at > now()";

    public LeaderTerm {
        if (name == null || name.isBlank() || holder == null || holder.isBlank() || term < 1) {
            throw new IllegalArgumentException("leader term: needs a name, a holder and a term >= 1, got "
                    + name + "/" + holder + "/" + term);
        }
    }

    /** Binds {@link #HOLDS}'s parameters from {@code index} on; returns the next free index. */
    int bind(PreparedStatement ps, int index) throws SQLException {
        ps.setString(index, name);
        ps.setString(index + 1, holder);
        ps.setLong(index + 2, term);
        return index + 3;
    }

    /**
     * Takes a share lock on the lease row while this term holds it: it blocks a candidate's take (an update of the
     * row) until the caller's transaction ends. Must run with auto-commit off.
     */
    @Override
    public void check(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM baton_leadership WHERE " + HOLDS + " FOR SHARE")) {
            bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        throw new NotLeaderException(this, LeaderLease.describe(c, name));
    }

    @Override
    public String toString() {
        return holder + " (term " + term + ")";
    }
}
