package dev.baton.postgres;

import dev.baton.common.PrivateFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded server's superuser password, and a cluster created with it. The library behind
 * {@link EmbeddedDatabase} creates clusters with {@code initdb -A trust}: any local user could then connect as
 * {@code postgres} without a password. Baton creates the cluster itself instead, with SCRAM authentication and a
 * generated password that only the owner can read ({@code <data directory>.password}, mode 0600). The library
 * then sees an existing cluster and only starts it.
 */
final class EmbeddedCredentials {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedCredentials.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile Path binaries;

    private EmbeddedCredentials() {}

    /** Where the password of the cluster in {@code dataDirectory} is kept. */
    static Path passwordFile(Path dataDirectory) {
        return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".password");
    }

    /** The stored password, or null when there is none (a cluster created before passwords, or none yet). */
    static String read(Path dataDirectory) {
        Path f = passwordFile(dataDirectory);
        try {
            return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded PostgreSQL password " + f, e);
        }
    }

    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Writes the password file, readable by its owner only from the moment it exists. */
    static void write(Path dataDirectory, String password) throws IOException {
        Path f = passwordFile(dataDirectory);
        Files.createDirectories(f.getParent());
        Files.deleteIfExists(f);
        PrivateFiles.file(f);
        Files.writeString(f, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Creates a cluster in the empty {@code dataDirectory} whose only way in is SCRAM over TCP or the local socket,
     * with {@code password} for {@code postgres}.
     */
    static void initdb(Path dataDirectory, String password) throws IOException {
        Path pwfile = Files.createTempFile(dataDirectory.getParent(), "pg-init", ".tmp", PrivateFiles.fileAttribute());
        try {
            Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            if (LinuxUtils.isUnshareAvailable()) {
                command.addAll(List.of("unshare", "-U")); // initdb refuses root; the library starts it the same way
            }
            command.addAll(List.of(binaries().resolve("initdb").toString(), "-A", "scram-sha-256",
                    "-U", "postgres", "-E", "UTF-8", "--pwfile=" + pwfile, "-D", dataDirectory.toString()));
            Path out = Files.createTempFile(dataDirectory.getParent(), "initdb", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IOException("initdb failed: " + Files.readString(out).strip());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while creating the cluster", e);
            } finally {
                Files.deleteIfExists(out);
            }
        } finally {
            Files.deleteIfExists(pwfile);
        }
        log.info("created the embedded PostgreSQL cluster in {} with a password (SCRAM)", dataDirectory);
    }

    /**
     * The directory of the PostgreSQL binaries the library unpacks. It unpacks them when it first starts a server,
     * so a throw-away server (a temporary, empty cluster that is stopped at once) is started once per JVM to learn
     * where they are, from the running postmaster's command.
     */
    private static synchronized Path binaries() throws IOException {
        if (binaries == null) {
            try (EmbeddedPostgres probe = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                    .start()) {
                long pid = postmasterPid(probe);
                binaries = ProcessHandle.of(pid).flatMap(h -> h.info().command()).map(Path::of).map(Path::getParent)
                        .orElseThrow(() -> new IOException("cannot find the PostgreSQL binaries (postmaster " + pid + ")"));
            }
        }
        return binaries;
    }

    private static long postmasterPid(EmbeddedPostgres pg) throws IOException {
        try (var c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT current_setting('data_directory')")) {
            rs.next();
            Path pidFile = Path.of(rs.getString(1)).resolve("postmaster.pid");
            return Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot ask the throw-away PostgreSQL for its data directory: " + e.getMessage(), e);
        }
    }
}
