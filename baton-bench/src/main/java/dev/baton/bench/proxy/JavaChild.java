package dev.baton.bench.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Java program run as its own process (its own JVM, the benchmark's classpath), so that it
 * competes for the cores like HAProxy does instead of sharing the benchmark's JVM. It is ready once
 * it prints a line starting with a given prefix on standard output; its standard error goes to a log
 * file that is shown when it fails to start.
 */
final class JavaChild implements AutoCloseable {

    /**
     * JVM options every child gets, the backend and Baton alike. The parallel collector: both keep a
     * few MB live and allocate per request, and its young pauses stay under a millisecond where G1's
     * took 10-60 ms on this shared 2-core machine (the recommended setting for ProxyMain, docs/proxy.md).
     */
    static final List<String> BASE_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC",
            "-Xms512m", "-Xmx512m");

    private final String name;
    private final Process process;
    private final Path log;
    private final String readyLine;

    private JavaChild(String name, Process process, Path log, String readyLine) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.readyLine = readyLine;
    }

    static JavaChild start(String name, List<String> jvmOptions, String mainClass, List<String> args,
                           String readyPrefix) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(BASE_OPTIONS);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        Path log = Files.createTempFile("baton-bench-" + name, ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) { // keeps draining after the ready line
                    if (!ready.isDone() && line.startsWith(readyPrefix)) {
                        ready.complete(line);
                    }
                }
            } catch (IOException e) {
                // the child ended; the ready check below reports it
            }
            ready.complete(null);
        }, "bench-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        String line;
        try {
            line = ready.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            line = null;
        }
        JavaChild child = new JavaChild(name, p, log, line);
        if (line == null) {
            String err = Files.readString(log);
            child.close();
            throw new IOException(name + " did not start: " + err);
        }
        return child;
    }

    /** The line the child printed when it became ready. */
    String readyLine() {
        return readyLine;
    }

    /** The value of {@code key=value} in the ready line. */
    String readyValue(String key) {
        for (String token : readyLine.split("\\s+")) {
            if (token.startsWith(key + "=")) {
                return token.substring(key.length() + 1);
            }
        }
        throw new IllegalStateException(name + " ready line has no " + key + "=: " + readyLine);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws IOException {
        process.destroy(); // SIGTERM: the child stops gracefully (JFR recordings are written then)
        try {
            if (!process.waitFor(Duration.ofSeconds(15).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}
