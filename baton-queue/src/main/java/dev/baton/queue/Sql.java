package dev.baton.queue;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import javax.sql.DataSource;

/** JDBC plumbing: time values, arrays, and transactions. Times always travel as UTC offsets. */
final class Sql {

    /** The unfinished states, the scope of a unique key. */
    static final String UNFINISHED = "('AVAILABLE', 'RUNNING')";

    /** The conflict target matching the partial unique index on unique_key. */
    static final String UNIQUE_CONFLICT =
            "ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN " + UNFINISHED + " DO NOTHING";

    private Sql() {}

    /** PostgreSQL keeps microseconds; truncating here keeps Java and SQL comparisons in agreement. */
    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Array longs(Connection c, Collection<Long> values) throws SQLException {
        return c.createArrayOf("bigint", values.toArray(Long[]::new));
    }

    static Array texts(Connection c, Collection<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray(String[]::new));
    }

    /** A unit of work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a pooled connection in autocommit mode: for single statements. */
    static <T> T auto(DataSource ds, String what, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /**
     * The exception for a failed statement. PostgreSQL rejecting the data itself (SQLSTATE class 22, a data
     * exception such as a value out of range; class 23, a constraint; 54, a limit such as an index entry's size)
     * is the caller's input at fault: an {@link InvalidJobException}, which asking again will not fix. Anything else
     * (the connection, the server) is a {@link QueueException}.
     */
    static RuntimeException failure(String what, SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"))) {
            return new InvalidJobException(what + " rejected by PostgreSQL: " + e.getMessage(), e);
        }
        return new QueueException(what + " failed: " + e.getMessage(), e);
    }

    /** Runs {@code work} in one transaction, committed when it returns, rolled back when it throws. */
    static <T> T inTransaction(DataSource ds, String what, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }
}
