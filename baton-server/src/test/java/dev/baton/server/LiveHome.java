package dev.baton.server;

import dev.baton.proof.HttpLoad;
import dev.baton.proof.HttpLoadConfig;
import dev.baton.server.scenario.DataPlaneReaper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A temporary directory with a {@code .baton} home for process tests: an app spec that runs {@link TestApp}
 * (tagged with the directory, so every process the test starts can be found), control planes started on it
 * as real {@code baton up} processes, and a {@link #close()} that kills everything started under it (control
 * planes, instances and proxy by process group, the embedded PostgreSQL) and deletes the directory.
 */
final class LiveHome implements AutoCloseable {
    final Path dir;
    final BatonHome home;
    final int trafficPort;
    private final List<ControlPlaneProcess> controlPlanes = new ArrayList<>();

    LiveHome(String name) throws IOException {
        this.dir = Files.createTempDirectory(name);
        this.home = new BatonHome(dir.resolve(".baton"));
        this.trafficPort = freePort();
    }

    /** The {@code run} line of a TestApp instance tagged with this directory; {@code extraArgs} go after the standard ones. */
    String appRun(String extraArgs) {
        return TestApp.run(dir, extraArgs);
    }

    /** Writes {@code shop.yaml}: {@code app: shop}, {@code listen} and {@code run} (a TestApp), then {@code rest}. */
    Path spec(String rest) throws IOException {
        return spec("shop.yaml", appRun(""), rest);
    }

    Path spec(String file, String run, String rest) throws IOException {
        return Files.writeString(dir.resolve(file), "app: shop\nlisten: %d\nrun: \"%s\"\n%s".formatted(trafficPort, run, rest));
    }

    /** A control plane ({@code baton up SPEC --home …}) in its own JVM, not started yet; killed by {@link #close()}. */
    ControlPlaneProcess controlPlane(Path spec) {
        return controlPlane(spec, Map.of());
    }

    /** The same, with {@code env} added to its environment (e.g. {@code BATON_DATABASE_URL}). */
    ControlPlaneProcess controlPlane(Path spec, Map<String, String> env) {
        ControlPlaneProcess cp = new ControlPlaneProcess(home, spec, ControlPlaneProcessTest.testClasspath(), env);
        controlPlanes.add(cp);
        return cp;
    }

    /** The control planes, instances, proxy and PostgreSQL started under this directory are gone. */
    @Override
    public void close() throws Exception {
        for (ControlPlaneProcess cp : controlPlanes) {
            cp.kill();
        }
        DataPlaneReaper.reap(home, dir);
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /**
     * Steady HTTP load through the proxy on {@code trafficPort}: 40 requests a second on baton-proof's open-loop
     * timeline, 30 s before a request counts as unanswered, no progress lines.
     */
    static HttpLoad steadyLoad(int trafficPort) {
        return HttpLoad.start(HttpLoadConfig.of(URI.create("http://127.0.0.1:" + trafficPort + "/"), 40)
                .withTimeout(Duration.ofSeconds(30)).withProgressEvery(Duration.ZERO), null);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
