package dev.baton.queue;

import dev.baton.postgres.EmbeddedDatabase;
import dev.baton.common.DatabaseConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;

/**
 * One embedded PostgreSQL per test JVM, started on first use and stopped when the JVM exits.
 *
 * <p>It runs with {@link EmbeddedDatabase.Durability#FAST} (fsync and synchronous commit off):
 * tests throw their data away, and durability itself is tested separately in
 * {@code EmbeddedDatabaseTest}. Other modules' tests reuse this class through the test-jar.
 */
public final class TestDatabase {

    private static EmbeddedDatabase server;
    private static HikariDataSource dataSource;

    private TestDatabase() {}

    /** The shared server, started on first call. */
    public static synchronized EmbeddedDatabase server() {
        if (server == null) {
            server = EmbeddedDatabase.start(null, 0, EmbeddedDatabase.Durability.FAST);
            Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::stop, "test-database-stop"));
        }
        return server;
    }

    /** Coordinates of the shared server, e.g. to hand to a child process. */
    public static DatabaseConfig config() {
        return server().config();
    }

    /** A pool on the shared server, shared by every test in the JVM. */
    public static synchronized DataSource dataSource() {
        if (dataSource == null) {
            dataSource = Database.open(config(), 20, "test");
        }
        return dataSource;
    }

    private static synchronized void stop() {
        if (dataSource != null) {
            dataSource.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
