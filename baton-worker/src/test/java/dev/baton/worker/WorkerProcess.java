package dev.baton.worker;

import static org.awaitility.Awaitility.await;

import dev.baton.queue.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real worker JVM ({@link WorkerMain} with {@link TestHandlers}) on the test classpath and the
 * shared test database. Its output goes to a log file in the test's temporary folder.
 */
final class WorkerProcess implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile(
            Pattern.quote(WorkerMain.STARTED) + " id=(\\S+) pid=(\\d+) health-port=(-?\\d+)");

    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String id;
    private int healthPort;

    private WorkerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts a worker process on the shared test database and waits until it printed its started line. */
    static WorkerProcess start(Path dir, String name, Map<String, String> env, String... args) {
        return start(dir, name, databaseUrl(), env, args);
    }

    /** Starts a worker process on the database at {@code databaseUrl} (credentials included). */
    static WorkerProcess start(Path dir, String name, String databaseUrl, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Duser.timezone=America/Sao_Paulo",
                "-Dlogback.configurationFile=logback-child.xml",
                WorkerMain.class.getName(),
                "--database-url", databaseUrl,
                "--handlers", TestHandlers.class.getName(),
                "--worker-id", name,
                "--health-port", "0"));
        command.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("BATON_DATABASE_URL");
        pb.environment().putAll(env);
        WorkerProcess p;
        try {
            p = new WorkerProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            p.awaitStarted();
        } catch (RuntimeException | Error e) {
            p.close();
            throw new AssertionError("worker " + name + " did not start; its log:\n" + p.log(), e);
        }
        return p;
    }

    /** The shared test database as one URL, credentials included, as an operator would pass it. */
    private static String databaseUrl() {
        return TestDatabase.config().urlWithCredentials();
    }

    private void awaitStarted() {
        await("worker started line").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("exited with " + process.exitValue());
            }
            Matcher m = STARTED.matcher(log());
            if (m.find()) {
                id = m.group(1);
                healthPort = Integer.parseInt(m.group(3));
                return true;
            }
            return false;
        });
    }

    String id() {
        return id;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The HTTP status of GET {@code path} on the health port, or -1 when nothing answers. */
    int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    String metrics() throws IOException {
        return get("/metrics").body();
    }

    /** SIGTERM, as Kubernetes and the process driver send it. */
    void sigterm() {
        process.destroy();
    }

    /** SIGKILL: no shutdown hook, no cleanup. */
    void sigkill() {
        process.destroyForcibly();
    }

    /** Waits for the process to exit; true if it did. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Kills the process if it still runs; always safe to call. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        http.close();
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
