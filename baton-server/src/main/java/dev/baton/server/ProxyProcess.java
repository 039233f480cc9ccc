package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.common.PrivateFiles;
import dev.baton.common.DatabaseConfig;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy as its own process (the data plane): started with {@code setsid} so it has its own session and
 * outlives the control plane, or adopted when a previous control plane left one running (same pid and start
 * time as recorded, and its admin API answers our token). It persists its own route table under
 * {@code .baton/proxy/routes.json}.
 */
final class ProxyProcess {
    private static final Logger log = LoggerFactory.getLogger(ProxyProcess.class);
    private static final Pattern READY_LINE = Pattern.compile(
            "baton-proxy listening traffic=(\\S+):(\\d+) admin=(\\S+):(\\d+)(?: preview=(\\S+):(\\d+))?");
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** What {@code .baton/proxy/proxy.json} holds; {@code previewPort} is null when the proxy has no preview listener. */
    record Recorded(long pid, long processStartMs, String listenHost, int trafficPort, int adminPort, Integer previewPort) {}

    private final Recorded record;
    private final ProxyAdmin admin;
    private final boolean adopted;

    private ProxyProcess(Recorded record, ProxyAdmin admin, boolean adopted) {
        this.record = record;
        this.admin = admin;
        this.adopted = adopted;
    }

    long pid() { return record.pid(); }
    int trafficPort() { return record.trafficPort(); }
    int adminPort() { return record.adminPort(); }
    /** The preview listener's port, or null when the proxy has none. */
    Integer previewPort() { return record.previewPort(); }
    /** The host the proxy's listeners are bound to. */
    String listenHost() { return record.listenHost(); }
    boolean adopted() { return adopted; }
    ProxyAdmin admin() { return admin; }

    /**
     * Adopts the running proxy of this home, or starts one listening on {@code host:port} (and on
     * {@code host:previewPort} for a blue-green preview, unless null) that keeps the forwarding headers of
     * {@code trustedProxies} only and health-checks its backends on {@code healthPath} (the spec's
     * {@code web.readiness}).
     */
    static ProxyProcess startOrAdopt(BatonHome home, String host, int port, Integer previewPort,
                                     List<String> trustedProxies, Duration drainTimeout, String healthPath) {
        String token = home.proxyToken();
        Optional<ProxyProcess> running = adopt(home, token);
        if (running.isPresent()) {
            ProxyProcess p = running.get();
            if (p.trafficPort() != port) {
                log.warn("the running proxy listens on {}, not on {} as the spec says; run 'baton down' to change it",
                        p.trafficPort(), port);
            }
            if (!java.util.Objects.equals(p.previewPort(), previewPort)) {
                log.warn("the running proxy's preview port is {}, not {} as the spec says; run 'baton down' to change it",
                        p.previewPort(), previewPort);
            }
            log.info("adopted the proxy (pid {}, traffic port {}, admin port {})", p.pid(), p.trafficPort(), p.adminPort());
            return p;
        }
        return start(home, token, host, port, previewPort, trustedProxies, drainTimeout, healthPath);
    }

    /** Whether the proxy recorded for this home is alive (same pid and start time as recorded). */
    static boolean runningFor(BatonHome home) {
        return recorded(home).isPresent();
    }

    /**
     * The proxy recorded for this home while its process is alive (same pid and start time), answering or not:
     * what {@code baton down} stops.
     */
    static Optional<ProxyProcess> recorded(BatonHome home) {
        Path file = recordFile(home);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Recorded r = Json.MAPPER.readValue(file.toFile(), Recorded.class);
            return sameProcess(r.pid(), r.processStartMs())
                    ? Optional.of(new ProxyProcess(r, new ProxyAdmin(r.adminPort(), home.proxyToken()), true))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<ProxyProcess> adopt(BatonHome home, String token) {
        Path file = recordFile(home);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Recorded r = Json.MAPPER.readValue(file.toFile(), Recorded.class);
            if (!sameProcess(r.pid(), r.processStartMs())) {
                log.info("the recorded proxy (pid {}) is gone; starting a new one", r.pid());
                return Optional.empty();
            }
            ProxyAdmin admin = new ProxyAdmin(r.adminPort(), token);
            if (!admin.answers()) {
                log.warn("pid {} is alive but its admin API on port {} does not answer; starting a new proxy",
                        r.pid(), r.adminPort());
                return Optional.empty();
            }
            return Optional.of(new ProxyProcess(r, admin, true));
        } catch (IOException e) {
            log.warn("ignoring unreadable {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private static ProxyProcess start(BatonHome home, String token, String host, int port, Integer previewPort,
                                      List<String> trustedProxies, Duration drainTimeout, String healthPath) {
        Path dir = home.proxyDir();
        Path logFile = dir.resolve("proxy.log");
        try {
            PrivateFiles.directory(dir);
            PrivateFiles.file(logFile);
            long offset = Files.size(logFile);
            List<String> cmd = new ArrayList<>(List.of("setsid", javaBinary(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), "dev.baton.proxy.ProxyMain",
                    "--listen", host + ":" + port, "--admin", "127.0.0.1:0",
                    "--token-file", dir.resolve("admin.token").toString(),
                    "--state-file", dir.resolve("routes.json").toString(),
                    "--drain-timeout", Math.max(1, drainTimeout.toMillis()) + "ms",
                    "--health-path", healthPath));
            if (previewPort != null) {
                cmd.addAll(List.of("--preview", host + ":" + previewPort));
            }
            if (!trustedProxies.isEmpty()) {
                cmd.addAll(List.of("--trusted-proxies", String.join(",", trustedProxies)));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // The proxy never touches the database: it gets no credentials for it.
            pb.environment().remove(DatabaseConfig.URL_ENV);
            Process p = pb.start();
            Matcher ready = awaitReadyLine(p, logFile, offset);
            long startMs = p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            Recorded r = new Recorded(p.pid(), startMs, host, Integer.parseInt(ready.group(2)),
                    Integer.parseInt(ready.group(4)), ready.group(6) == null ? null : Integer.valueOf(ready.group(6)));
            BatonHome.writeAtomically(recordFile(home), Json.write(r));
            log.info("started the proxy (pid {}) on {}:{}, admin on 127.0.0.1:{}, log {}", p.pid(), host,
                    r.trafficPort(), r.adminPort(), logFile);
            return new ProxyProcess(r, new ProxyAdmin(r.adminPort(), token), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the proxy: " + e.getMessage(), e);
        }
    }

    private static Matcher awaitReadyLine(Process p, Path logFile, long offset) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = readFrom(logFile, offset);
            Matcher m = READY_LINE.matcher(text);
            if (m.find()) {
                return m;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the proxy exited with code " + p.exitValue() + " before it was ready:\n"
                        + tail(text, 2000));
            }
            try {
                p.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IllegalStateException("interrupted while starting the proxy", e);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the proxy was not ready within " + START_TIMEOUT.toSeconds() + "s; see " + logFile);
    }

    /** Stops the proxy: SIGTERM (it finishes in-flight requests), SIGKILL after {@code grace}. Idempotent. */
    void stop(Duration grace) {
        ProcessHandle.of(record.pid()).filter(h -> sameProcess(record.pid(), record.processStartMs())).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }

    /** The proxy's view of its backends: address → state. */
    Map<String, String> backendStates() {
        JsonNode state = admin.state();
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        state.path("backends").forEach(b -> out.put(b.path("id").asText(), b.path("state").asText()));
        return out;
    }

    static Path recordFile(BatonHome home) {
        return home.proxyDir().resolve("proxy.json");
    }

    static boolean sameProcess(long pid, long startMs) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (h.isEmpty()) {
            return false;
        }
        long actual = h.get().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return startMs == 0 || actual == 0 || Math.abs(actual - startMs) <= 1000;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String readFrom(Path file, long offset) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length() - offset;
            if (len <= 0) {
                return "";
            }
            byte[] b = new byte[(int) Math.min(len, 1 << 20)];
            f.seek(offset);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : s.substring(s.length() - max);
    }
}
