package dev.baton.bench.worker;

import dev.baton.common.DatabaseConfig;
import dev.baton.worker.WorkerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Java program in its own JVM on the benchmark's classpath: a real worker process
 * ({@link WorkerMain} with {@link SleepHandlers}), or an idle JVM whose exit after SIGTERM is the
 * baseline of the drain. Ready once it prints its started line; its standard error goes to a log file
 * shown when something goes wrong. Closing it kills whatever is still running.
 */
final class ChildJvm implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** A worker process with the given concurrency and stop deadlines, no health port. */
    static ChildJvm worker(String id, DatabaseConfig db, int concurrency, Duration soft, Duration hard)
            throws IOException, InterruptedException {
        // The database URL by environment, so the password is not on the process's command line.
        return start(id, WorkerMain.class.getName(), List.of(
                "--handlers", SleepHandlers.class.getName(),
                "--worker-id", id,
                "--concurrency", String.valueOf(concurrency),
                "--soft-stop", soft.toMillis() + "ms",
                "--hard-stop", hard.toMillis() + "ms",
                "--health-port", "-1"), Map.of(DatabaseConfig.URL_ENV, db.urlWithCredentials()), WorkerMain.STARTED);
    }

    /**
     * A JVM that does nothing: what SIGTERM to exit costs without a worker in it; with
     * {@code blockedIo}, one thread waits in a socket accept meanwhile.
     */
    static ChildJvm idle(boolean blockedIo) throws IOException, InterruptedException {
        return start("idle-jvm", IdleMain.class.getName(), blockedIo ? List.of("blocked-io") : List.of(), Map.of(),
                IdleMain.STARTED);
    }

    private static ChildJvm start(String name, String mainClass, List<String> args, Map<String, String> env,
                                  String startedPrefix) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        Path log = Files.createTempFile("baton-bench-" + name, ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BATON_"));
        pb.environment().putAll(env);
        ChildJvm child = new ChildJvm(pb.start(), log);
        try {
            child.awaitStarted(startedPrefix);
        } catch (IOException | RuntimeException e) {
            String output = child.log();
            child.close();
            throw new IOException(name + " did not start: " + e.getMessage() + "\n" + output, e);
        }
        return child;
    }

    private void awaitStarted(String prefix) throws IOException, InterruptedException {
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("bench-child-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) { // keeps draining after the started line
                    if (line.startsWith(prefix)) {
                        started.complete(true);
                    }
                }
            } catch (IOException e) {
                // the process ended; reported below
            }
            started.complete(false);
        });
        try {
            if (!started.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException("it exited with " + process.waitFor());
            }
        } catch (TimeoutException e) {
            throw new IOException("no started line within " + START_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM and waits for the process to exit; returns the milliseconds from the signal to the exit. */
    double terminateAndTime(Duration timeout) throws InterruptedException, IOException {
        long start = System.nanoTime();
        process.destroy(); // SIGTERM on Linux and macOS
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("the process did not exit within " + timeout.toSeconds() + " s of SIGTERM\n"
                    + log());
        }
        return (System.nanoTime() - start) / 1e6;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}
