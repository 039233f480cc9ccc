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
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one schema migrator for every table Baton owns (the queue's, the rollout store's).
 *
 * <p>Each part's {@link Migrations} are applied in order, each in its own transaction, under one PostgreSQL
 * advisory lock so that two processes starting at once do not race, and recorded in
 * {@code baton_schema_migrations} by component and version. No Flyway: an app that embeds the worker should not
 * inherit a migration framework, and one table and one lock are all it takes.
 */
public final class Migrator {

    private static final Logger log = LoggerFactory.getLogger(Migrator.class);

    /**
     * The history table. Releases before the rollout tables were migrations kept only the queue's versions,
     * keyed by version alone: those rows become the queue's, and the key grows to (component, version).
     * Releases that read the table by version alone keep working: they find their versions applied.
     */
    private static final String HISTORY = """
            CREATE TABLE IF NOT EXISTS baton_schema_migrations (
                component  text NOT NULL,
                version    integer NOT NULL,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (component, version)
            );
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_attribute
                               WHERE attrelid = 'baton_schema_migrations'::regclass AND attname = 'component') THEN
                    ALTER TABLE baton_schema_migrations ADD COLUMN component text NOT NULL DEFAULT 'queue';
                    ALTER TABLE baton_schema_migrations DROP CONSTRAINT baton_schema_migrations_pkey;
                    ALTER TABLE baton_schema_migrations ADD PRIMARY KEY (component, version);
                END IF;
            END $$;
            """;

    private Migrator() {}

    /** Applies the migrations not applied yet, part by part in the order given; does nothing when all are. */
    public static void migrate(DataSource ds, Migrations... parts) {
        try (Connection c = ds.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(true);
            // A session lock, held across the per-migration transactions below.
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, AdvisoryLock.SCHEMA_MIGRATION.key());
                lock.execute();
            }
            try {
                try (Statement s = c.createStatement()) {
                    s.execute(HISTORY);
                }
                for (Migrations part : parts) {
                    applyPending(c, part);
                }
            } finally {
                try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, AdvisoryLock.SCHEMA_MIGRATION.key());
                    unlock.execute();
                }
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new QueueException("schema migration failed: " + e.getMessage(), e);
        }
    }

    private static void applyPending(Connection c, Migrations part) throws SQLException {
        Set<Integer> applied = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM baton_schema_migrations WHERE component = ?")) {
            s.setString(1, part.component());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    applied.add(rs.getInt(1));
                }
            }
        }
        for (String name : part.names()) {
            int version = Migrations.version(name);
            if (applied.contains(version)) {
                continue;
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                 PreparedStatement record = c.prepareStatement(
                         "INSERT INTO baton_schema_migrations (component, version, name) VALUES (?, ?, ?)")) {
                s.execute(read(part, name));
                record.setString(1, part.component());
                record.setInt(2, version);
                record.setString(3, name);
                record.executeUpdate();
                c.commit();
                log.info("applied schema migration {} {}", part.component(), name);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static String read(Migrations part, String name) {
        try (InputStream in = part.owner().getResourceAsStream("migrations/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing migration resource " + part.path(name));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
