package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.baton.proof.HttpLoad;
import dev.baton.proof.Outcome;
import dev.baton.rollout.InstanceAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several real proxy processes driven as one fleet, as the proxy replicas of an install are: every step reaches every
 * answering replica before it counts as done, a replica killed and restarted gets the current table before it reports
 * ready, traffic through a surviving replica never fails, and a drain waits for the requests in flight on every replica.
 */
@Tag("process")
class ProxyFleetProcessTest {
    private static final String TOKEN = "fleet-test-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private final List<HttpServer> backends = new ArrayList<>();
    private final Map<String, Process> proxies = new LinkedHashMap<>();
    private final Map<String, int[]> ports = new LinkedHashMap<>();
    private ProxyFleet fleet;
    private final CountDownLatch releaseSlow = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        releaseSlow.countDown();
        if (fleet != null) {
            fleet.close();
        }
        proxies.values().forEach(Process::destroyForcibly);
        backends.forEach(b -> b.stop(0));
    }

    @Test
    void aReplicaKilledDuringWeightChangesGetsTheCurrentTableBeforeItIsReadyAndTheSurvivorsNeverFailARequest()
            throws Exception {
        InstanceAddress v1 = backend("v1");
        InstanceAddress v2 = backend("v2");
        for (String id : List.of("a", "b", "c")) {
            ports.put(id, new int[] {freePort(), freePort()});
            startProxy(id);
        }
        ProxyTrafficControl traffic = fleet();
        traffic.setRoutes(Map.of("v1", List.of(v1), "v2", List.of(v2)));
        traffic.setWeights(Map.of("v1", 100, "v2", 0));
        assertThat(weightsOn("a")).isEqualTo(Map.of("v1", 100, "v2", 0));

        try (HttpLoad load = LiveHome.steadyLoad(ports.get("a")[0])) {
            await().atMost(WAIT).until(() -> load.ended(Outcome.OK) >= 50);
            proxies.get("c").destroyForcibly().waitFor();

            traffic.setWeights(Map.of("v1", 50, "v2", 50));
            // Done means done on every replica that answers: no waiting for it.
            assertThat(weightsOn("a")).isEqualTo(Map.of("v1", 50, "v2", 50));
            assertThat(weightsOn("b")).isEqualTo(Map.of("v1", 50, "v2", 50));
            traffic.setWeights(Map.of("v1", 0, "v2", 100));
            assertThat(weightsOn("b")).isEqualTo(Map.of("v1", 0, "v2", 100));
            assertThat(fleet.states()).containsEntry("c", ProxyFleet.ReplicaState.UNREACHABLE);

            startProxy("c");
            // From the first moment it reports ready, it holds the current table: never the empty or an old one.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
                if (status(ports.get("c")[1], "/ready") != 200) {
                    return false;
                }
                assertThat(weightsOn("c")).isEqualTo(Map.of("v1", 0, "v2", 100));
                return true;
            });
            assertThat(fleet.states()).containsEntry("c", ProxyFleet.ReplicaState.SYNCED);
            long before = load.ended(Outcome.OK);
            await().atMost(WAIT).until(() -> load.ended(Outcome.OK) >= before + 50);
            assertThat(load.stop().notOk()).as("requests through the surviving replica").isEmpty();
            assertThat(load.answeredBy("v2")).isPositive();
        }
        HttpResponse<String> viaRestarted = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ports.get("c")[0] + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(viaRestarted.body()).isEqualTo("hello from v2");
    }

    @Test
    void aDrainIsOverOnlyWhenTheRequestInFlightOnEveryReplicaHasEnded() throws Exception {
        InstanceAddress v1 = backend("v1");
        for (String id : List.of("a", "b")) {
            ports.put(id, new int[] {freePort(), freePort()});
            startProxy(id);
        }
        ProxyTrafficControl traffic = fleet();
        traffic.setRoutes(Map.of("v1", List.of(v1)));
        traffic.setWeights(Map.of("v1", 100));
        var slow = HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("b")[0] + "/slow"))
                .build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(WAIT).until(() -> fleet.onEach(a -> a.state().path("backends").get(0).path("inFlight").asInt())
                .stream().mapToInt(Integer::intValue).sum() == 1);

        traffic.drain(v1);

        assertThat(traffic.awaitIdle(v1, Duration.ofMillis(500))).as("idle while b still serves a request").isFalse();
        releaseSlow.countDown();
        assertThat(slow.get().body()).isEqualTo("hello from v1");
        assertThat(traffic.awaitIdle(v1, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aFleetThatForgotItsTableAsAStandbyDoesPushesNothingToAReplicaThatRestartsEmpty() throws Exception {
        InstanceAddress v1 = backend("v1");
        ports.put("a", new int[] {freePort(), freePort()});
        startProxy("a");
        ProxyTrafficControl traffic = fleet();
        traffic.setRoutes(Map.of("v1", List.of(v1)));
        traffic.setWeights(Map.of("v1", 100));
        assertThat(fleet.holdsTable()).isTrue();

        fleet.forget(); // the control plane stepped down
        proxies.get("a").destroyForcibly().waitFor();
        startProxy("a");
        fleet.syncOnce();
        fleet.syncOnce();

        assertThat(fleet.holdsTable()).isFalse();
        assertThat(status(ports.get("a")[1], "/ready")).as("no table pushed: not ready").isEqualTo(503);
        traffic.setWeights(Map.of("v1", 100)); // leading again: the next publish reaches it
        assertThat(weightsOn("a")).isEqualTo(Map.of("v1", 100));
    }

    @Test
    void aDeposedLeadersPushThatLandsAfterTheNewLeadersFirstIsRefusedByEveryReplica() throws Exception {
        InstanceAddress v1 = backend("v1");
        InstanceAddress v2 = backend("v2");
        for (String id : List.of("a", "b")) {
            ports.put(id, new int[] {freePort(), freePort()});
            startProxy(id);
        }
        ProxyTrafficControl deposed = fleet();
        ProxyFleet deposedFleet = fleet;
        deposedFleet.steerUnder(3);
        deposed.setRoutes(Map.of("v1", List.of(v1), "v2", List.of(v2)));
        deposed.setWeights(Map.of("v1", 100, "v2", 0));
        ProxyTrafficControl leader = fleet();
        fleet.steerUnder(4);
        leader.setRoutes(Map.of("v1", List.of(v1), "v2", List.of(v2)));
        leader.setWeights(Map.of("v1", 0, "v2", 100));

        assertThatThrownBy(() -> deposed.setWeights(Map.of("v1", 100, "v2", 0)))
                .hasMessageContaining("409").hasMessageContaining("older than term 4");
        assertThatThrownBy(() -> deposed.drain(v2)).hasMessageContaining("409");
        deposedFleet.close();

        for (String id : List.of("a", "b")) {
            assertThat(weightsOn(id)).as(id + " keeps the new leader's table").isEqualTo(Map.of("v1", 0, "v2", 100));
            assertThat(get(ports.get(id)[0], "/").body()).isEqualTo("hello from v2");
        }
    }

    private ProxyTrafficControl fleet() {
        List<ProxyReplicas.Replica> replicas = new ArrayList<>();
        ports.forEach((id, p) -> replicas.add(new ProxyReplicas.Replica(id, "127.0.0.1", p[1])));
        fleet = new ProxyFleet(ProxyReplicas.fixed(replicas), r -> new ProxyAdmin(r.host(), r.adminPort(), TOKEN))
                .start(Duration.ofMillis(100));
        return new ProxyTrafficControl(fleet, "127.0.0.1", null, null);
    }

    private Map<String, Integer> weightsOn(String id) {
        JsonNode table = new ProxyAdmin("127.0.0.1", ports.get(id)[1], TOKEN).routes();
        Map<String, Integer> out = new LinkedHashMap<>();
        table.path("versions").forEach(v -> out.put(v.path("name").asText(), v.path("weight").asInt()));
        return out;
    }

    private void startProxy(String id) throws IOException {
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Path log = dir.resolve("proxy-" + id + ".log");
        Process p = new ProcessBuilder(ProxyProcess.javaBinary(), "-cp", System.getProperty("java.class.path"),
                "dev.baton.proxy.ProxyMain", "--listen", "127.0.0.1:" + ports.get(id)[0],
                "--admin", "127.0.0.1:" + ports.get(id)[1], "--token-file", token.toString(), "--health-path", "/health")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        proxies.put(id, p);
        await().atMost(WAIT).until(() -> status(ports.get(id)[1], "/ready") > 0);
    }

    private InstanceAddress backend(String version) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/slow")) {
                try {
                    releaseSlow.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = ("hello from " + version).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("X-Baton-Version", version);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        backends.add(server);
        int port = server.getAddress().getPort();
        return new InstanceAddress(version + "-1", "127.0.0.1", port);
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status of a GET, or 0 when the process does not answer (yet): a JVM just started may be slow. */
    private static int status(int port, String path) throws InterruptedException {
        try {
            return get(port, path).statusCode();
        } catch (IOException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
