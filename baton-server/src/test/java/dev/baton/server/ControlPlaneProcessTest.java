package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.proof.HttpLoad;
import dev.baton.proof.Outcome;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
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
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import dev.baton.server.scenario.DataPlaneReaper;

/**
 * The control plane as a real child JVM ({@code baton up}) on the embedded, durable PostgreSQL, with the proxy
 * and the instances as real processes in their own sessions. One control plane serves the tests of this class
 * (starting PostgreSQL, the proxy and two instances costs most of the time); each test waits until no rollout
 * runs, then deploys from whatever version is stable to a version of its own, so none depends on another or on
 * their order. Everything it started is killed in {@link #reap()}, by process group.
 */
@Tag("process")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneProcessTest {
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(3);
    private Path dir;
    private BatonHome home;
    private ControlPlaneProcess cp;
    private int trafficPort;

    @BeforeAll
    void up() throws Exception {
        dir = Files.createTempDirectory("baton-cp-test");
        home = new BatonHome(dir.resolve(".baton"));
        trafficPort = LiveHome.freePort();
        String app = TestApp.run(dir, "");
        // The deadline outlasts a control plane killed mid-rollout, which can take half a minute to come back on a
        // busy machine; the deploy that must miss it sets its own.
        Path spec = Files.writeString(dir.resolve("shop.yaml"), """
                app: shop
                version: v1
                listen: %d
                instances: 2
                run: "%s"
                drain: { timeout: 5s, jobs_soft: 1s, jobs_hard: 2s }
                strategy: { type: rolling, max_surge: 1, max_unavailable: 0, min_ready: 2s }
                progress_deadline: 90s
                """.formatted(trafficPort, app));
        cp = new ControlPlaneProcess(home, spec, testClasspath(), Map.of()).start();
        cp.awaitApi(Duration.ofMinutes(2));
        await().atMost(DEPLOY_TIMEOUT).until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null)));
    }

    @AfterAll
    void reap() throws Exception {
        tearDown(cp, home, dir);
    }

    /** Kills the control plane, reaps what its data plane left running, deletes {@code dir}; each part if set. */
    static void tearDown(ControlPlaneProcess cp, BatonHome home, Path dir) throws Exception {
        if (cp != null) {
            cp.kill();
        }
        if (home != null) {
            DataPlaneReaper.reap(home, dir);
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void apiAnswersOnlyWithTheTokenAndOnlyOnLoopback() throws Exception {
        awaitNoRollout();
        JsonNode api = Json.MAPPER.readTree(home.apiFile().toFile());
        int port = api.path("port").asInt();
        assertThat(api.path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(Files.getPosixFilePermissions(home.tokenFile()))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        HttpClient http = HttpClient.newHttpClient();
        URI status = URI.create("http://127.0.0.1:" + port + "/v1/status");
        assertThat(http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(status).header("Authorization", "Bearer wrong").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        String token = Files.readString(home.tokenFile()).strip();
        HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Authorization", "Bearer " + token).build();
        assertThat(http.send(metrics, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> http.send(metrics, HttpResponse.BodyHandlers.ofString()).body()
                .contains("baton_instances{state=\"READY\"} 2"));

        Optional<Inet4Address> external = nonLoopbackAddress();
        if (external.isPresent()) {
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(external.get(), port), 2000);
                }
            }).isInstanceOf(IOException.class);
        }
        assertThat(Files.readString(cp.logFile())).doesNotContain(token);
    }

    @Test
    void rollingDeployUnderSteadyLoadFailsNoRequest() throws Exception {
        String stable = awaitNoRollout();
        BatonClient client = cp.client();
        JsonNode end;
        try (HttpLoad load = LiveHome.steadyLoad(trafficPort)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ended(Outcome.OK) >= 20);
            String id = client.deploy(DeployRequest.of("rolled"));
            end = client.awaitOutcome(id, DEPLOY_TIMEOUT, e -> { });
            await().atMost(Duration.ofSeconds(30)).until(() -> load.answeredBy("rolled") >= 20);
            assertThat(load.stop().notOk()).as("requests not answered OK of %d sent", load.sent()).isEmpty();
            assertThat(load.answeredBy(stable)).isPositive();
        }
        assertThat(end.path("rollout").path("phase").asText()).isEqualTo("SUCCEEDED");
        assertThat(versions(end.path("instances"))).containsExactly("rolled", "rolled");
        assertThat(runningAppProcesses()).extracting(this::versionOf).containsExactlyInAnyOrder("rolled", "rolled");
    }

    @Test
    void controlPlaneKilledMidRolloutIsRestartedResumesTheRolloutAndAdoptsTheInstances() throws Exception {
        String stable = awaitNoRollout();
        BatonClient client = cp.client();
        int rolloutsBefore = client.get("/v1/rollouts").size();
        String id;
        try (HttpLoad load = LiveHome.steadyLoad(trafficPort)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ended(Outcome.OK) >= 20);
            id = client.deploy(DeployRequest.of("resumed"));
            // Mid-rollout: an instance of the new version is serving while one of the stable version still runs.
            await().atMost(DEPLOY_TIMEOUT).until(() -> {
                JsonNode s = client.status();
                List<String> vs = versions(s.path("instances"));
                return s.path("rollout").path("phase").asText().equals("PROGRESSING")
                        && vs.contains(stable) && s.path("instances").findValuesAsText("state").contains("READY")
                        && readyOf(s, "resumed") >= 1;
            });
            cp.kill();

            long okAtKill = load.ended(Outcome.OK);
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ended(Outcome.OK) >= okAtKill + 40);
            assertThat(load.ended(Outcome.FAILED) + load.ended(Outcome.UNKNOWN))
                    .as("requests failed while the control plane was dead").isZero();

            cp.start().awaitApi(Duration.ofMinutes(2));
            JsonNode end = client.awaitOutcome(id, DEPLOY_TIMEOUT, e -> { });
            assertThat(end.path("rollout").path("phase").asText()).as("rollout %s, events %s", end.path("rollout"),
                    end.path("events")).isEqualTo("SUCCEEDED");
            await().atMost(Duration.ofSeconds(30)).until(() -> load.answeredBy("resumed") >= 20);
            assertThat(load.stop().notOk()).as("requests not answered OK of %d sent", load.sent()).isEmpty();
            assertThat(end.path("events").findValuesAsText("step")).contains("resume");
            List<String> ids = end.path("instances").findValuesAsText("id");
            assertThat(ids).hasSize(2).doesNotHaveDuplicates();
            assertThat(versions(end.path("instances"))).containsExactly("resumed", "resumed");
        }
        assertThat(runningAppProcesses()).extracting(this::versionOf).containsExactlyInAnyOrder("resumed", "resumed");
        try (Stream<Path> records = Files.list(home.instancesDir())) {
            assertThat(records.filter(f -> f.toString().endsWith(".json"))).hasSize(2);
        }
        // Resumed, not started again: the restart added no rollout, and revisions still count without gaps.
        JsonNode history = cp.client().get("/v1/rollouts");
        assertThat(history).hasSize(rolloutsBefore + 1);
        assertThat(history.get(0).path("revision").asInt()).isEqualTo(history.size());
        assertThat(history.get(0).path("id").asText()).isEqualTo(id);
        assertThat(history.get(0).path("phase").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void deployThatNeverBecomesReadyIsRolledBackAndTheCliExitsNonZero() throws Exception {
        String stable = awaitNoRollout();
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code;
        try (HttpLoad load = LiveHome.steadyLoad(trafficPort)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ended(Outcome.OK) >= 20);
            code = BatonCommand.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "deploy", "never-ready",
                    "--env", "TEST_APP_START_DELAY_MS=600000", "--set", "progress_deadline=20s",
                    "--home", home.dir().toString());
            assertThat(load.stop().notOk()).as("requests not answered OK of %d sent", load.sent()).isEmpty();
            assertThat(load.answeredBy("never-ready")).isZero();
        }
        assertThat(code).as(out + "\n" + err).isEqualTo(BatonCommand.EXIT_ROLLED_BACK);
        assertThat(out.toString()).contains("ROLLED_BACK").contains("progress deadline").contains("INSTANCE");
        JsonNode status = cp.client().status();
        assertThat(status.path("stableVersion").asText()).isEqualTo(stable);
        assertThat(versions(status.path("instances"))).containsExactly(stable, stable);
        assertThat(runningAppProcesses()).extracting(this::versionOf).containsExactlyInAnyOrder(stable, stable);
    }

    /** Waits until no rollout runs and both instances of the stable version are ready; returns that version. */
    private String awaitNoRollout() {
        await().atMost(DEPLOY_TIMEOUT).until(() -> {
            JsonNode s = cp.client().status();
            String phase = s.path("rollout").path("phase").asText();
            return !phase.equals("PROGRESSING") && !phase.equals("ROLLING_BACK")
                    && readyOf(s, s.path("stableVersion").asText()) == 2 && s.path("instances").size() == 2;
        });
        return cp.client().status().path("stableVersion").asText();
    }

    private static long readyOf(JsonNode status, String version) {
        long n = 0;
        for (JsonNode i : status.path("instances")) {
            if (i.path("version").asText().equals(version) && i.path("state").asText().equals("READY")) {
                n++;
            }
        }
        return n;
    }

    private static List<String> versions(JsonNode instances) {
        List<String> out = new ArrayList<>();
        instances.forEach(i -> out.add(i.path("version").asText()));
        return out;
    }

    /** The instance JVMs (not their sh parents) this test started, still alive. */
    private List<ProcessHandle> runningAppProcesses() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .filter(p -> p.info().commandLine().map(c -> c.contains("dev.baton.server.TestApp")
                        && c.contains(dir.toString())).orElse(false))
                .toList();
    }

    private String versionOf(ProcessHandle p) {
        String[] args = p.info().commandLine().orElse("").split(" ");
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--version")) {
                return args[i + 1];
            }
        }
        return "?";
    }

    static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
    }

    private static Optional<Inet4Address> nonLoopbackAddress() throws IOException {
        return NetworkInterface.networkInterfaces().filter(n -> {
            try {
                return n.isUp() && !n.isLoopback();
            } catch (IOException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).map(a -> (Inet4Address) a)
                .findFirst();
    }
}
