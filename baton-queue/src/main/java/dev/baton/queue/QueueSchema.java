package dev.baton.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the queue's tables.
 *
 * <p>Migrations are SQL resources {@code dev/baton/queue/migrations/V001__jobs.sql}, … applied in
 * order, each in its own transaction, under a PostgreSQL advisory lock so that two processes
 * starting at once do not race. Applied versions are recorded in {@code baton_schema_migrations}.
 */
public final class QueueSchema {

    /** In order; a new migration is a new resource and a new line here. */
    static final List<String> MIGRATIONS = List.of("V001__jobs.sql", "V002__queue_autovacuum.sql",
            "V003__queue_pauses.sql", "V004__leadership.sql");

    private static final Logger log = LoggerFactory.getLogger(QueueSchema.class);

    private QueueSchema() {}

    /** Applies the migrations not applied yet; does nothing when the schema is current. */
    public static void migrate(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(true);
            // A session lock, held across the per-migration transactions below.
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, AdvisoryLock.QUEUE_MIGRATION.key());
                lock.execute();
            }
            try {
                applyPending(c);
            } finally {
                try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, AdvisoryLock.QUEUE_MIGRATION.key());
                    unlock.execute();
                }
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new QueueException("schema migration failed: " + e.getMessage(), e);
        }
    }

    private static void applyPending(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS baton_schema_migrations ("
                    + "version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        }
        Set<Integer> applied = new HashSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM baton_schema_migrations")) {
            while (rs.next()) {
                applied.add(rs.getInt(1));
            }
        }
        for (String name : MIGRATIONS) {
            int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
            if (applied.contains(version)) {
                continue;
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                 PreparedStatement record = c.prepareStatement(
                         "INSERT INTO baton_schema_migrations (version, name) VALUES (?, ?)")) {
                s.execute(read(name));
                record.setInt(1, version);
                record.setString(2, name);
                record.executeUpdate();
                c.commit();
                log.info("applied schema migration {}", name);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static String read(String name) {
        String path = "migrations/" + name;
        try (InputStream in = QueueSchema.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing migration resource dev/baton/queue/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
