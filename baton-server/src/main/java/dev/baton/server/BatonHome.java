package dev.baton.server;

import dev.baton.common.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The {@code .baton/} directory: what the control plane keeps on disk and what the CLI reads to reach it.
 *
 * <pre>
 * .baton/token            REST API bearer token (0600, generated on first start)
 * .baton/read-only-token  the dashboard's read-only login token (0600, generated on first start)
 * .baton/control-plane.lock  locked by the running control plane (see HomeLock); holds its pid
 * .baton/api.json         where the REST API listens: {"host", "port", "pid"}
 * .baton/pg/              embedded PostgreSQL data (when BATON_DATABASE_URL is not set)
 * .baton/proxy/           the proxy's admin token, pid record, route table and log
 * .baton/instances/       one record per running instance (for adoption)
 * .baton/logs/            one log per instance
 * .baton/control-plane.log
 * </pre>
 */
public record BatonHome(Path dir) {
    public BatonHome {
        dir = dir.toAbsolutePath().normalize();
    }

    /** {@code .baton} under the current directory, or {@code $BATON_HOME} when set. */
    public static BatonHome fromEnvironment() {
        String env = System.getenv("BATON_HOME");
        return new BatonHome(Path.of(env == null || env.isBlank() ? ".baton" : env));
    }

    public Path tokenFile() { return dir.resolve("token"); }
    public Path readOnlyTokenFile() { return dir.resolve("read-only-token"); }
    public Path apiFile() { return dir.resolve("api.json"); }
    public Path pgDir() { return dir.resolve("pg"); }
    public Path proxyDir() { return dir.resolve("proxy"); }
    public Path logsDir() { return dir.resolve("logs"); }
    public Path instancesDir() { return dir.resolve("instances"); }

    /** The REST API token, generated (and written with mode 0600) on first use. */
    public String apiToken() {
        return ensureToken(tokenFile());
    }

    /** The dashboard's read-only login token (sees everything, can do nothing), generated like the API token. */
    public String readOnlyToken() {
        return ensureToken(readOnlyTokenFile());
    }

    /** The token the control plane presents to the proxy's admin API (a separate secret). */
    public String proxyToken() {
        return ensureToken(proxyDir().resolve("admin.token"));
    }

    /** The API token if the control plane has ever started here. */
    public Optional<String> existingApiToken() {
        try {
            return Files.exists(tokenFile()) ? Optional.of(Files.readString(tokenFile()).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenFile(), e);
        }
    }

    private static synchronized String ensureToken(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            writeSecret(file, token + "\n");
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the token " + file, e);
        }
    }

    /** Writes a file readable by its owner only: temp file created 0600, fsync, atomic rename. */
    static void writeSecret(Path file, String content) throws IOException {
        PrivateFiles.directory(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        PrivateFiles.file(tmp);
        writeDurably(tmp, file, content);
    }

    /** Writes {@code content} to {@code file} atomically (temp file, fsync, rename). */
    static void writeAtomically(Path file, String content) {
        try {
            writeSecret(file, content); // every file of the home is its owner's only
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void writeDurably(Path tmp, Path file, String content) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(StandardCharsets.UTF_8.encode(content));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
