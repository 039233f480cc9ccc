package dev.baton.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.queue.Database;
import dev.baton.common.DatabaseConfig;
import dev.baton.postgres.EmbeddedDatabase;
import dev.baton.queue.QueueSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An embedded PostgreSQL with durable commits ({@code fsync} and {@code synchronous_commit} on) in a
 * temporary data directory, with the queue schema and a pool; closing it stops the server and deletes
 * the directory. What every benchmark of the queue runs against.
 */
public final class BenchDatabase implements AutoCloseable {

    private final Path dataDir;
    private final EmbeddedDatabase db;
    private final HikariDataSource dataSource;

    private BenchDatabase(Path dataDir, EmbeddedDatabase db, HikariDataSource dataSource) {
        this.dataDir = dataDir;
        this.db = db;
        this.dataSource = dataSource;
    }

    /** Starts the server, opens a pool of {@code poolSize} connections and migrates the schema. */
    public static BenchDatabase start(int poolSize, String poolName) throws IOException {
        Path dir = Files.createTempDirectory("baton-bench-pg");
        EmbeddedDatabase db = null;
        try {
            db = EmbeddedDatabase.start(dir, 0, EmbeddedDatabase.Durability.DURABLE);
            HikariDataSource ds = Database.open(db.config(), poolSize, poolName);
            QueueSchema.migrate(ds);
            return new BenchDatabase(dir, db, ds);
        } catch (RuntimeException e) {
            if (db != null) {
                db.close();
            }
            deleteRecursively(dir);
            throw e;
        }
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    /** Where a child process connects. */
    public DatabaseConfig config() {
        return db.config();
    }

    public Path dataDirectory() {
        return dataDir;
    }

    /** Empties {@code baton_jobs}, so dead rows of the previous run do not weigh on the next. */
    public void reset() throws Exception {
        execute("TRUNCATE baton_jobs");
    }

    /** Vacuums the jobs table and checkpoints, so a run does not pay for the previous one's writes. */
    public void checkpoint() throws Exception {
        execute("VACUUM ANALYZE baton_jobs");
        execute("CHECKPOINT");
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            dataSource.close();
            db.close();
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
