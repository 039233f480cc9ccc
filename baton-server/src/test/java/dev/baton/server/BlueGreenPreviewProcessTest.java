package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A blue-green deploy whose spec names a preview port: the control plane as a real child JVM, the proxy and
 * the instances as real processes. Green is served through the proxy's preview port before the swap, smoke
 * checked there, and the rollout says that it waits for {@code baton promote}.
 */
@Tag("process")
class BlueGreenPreviewProcessTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private Path dir;
    private BatonHome home;
    private ControlPlaneProcess cp;

    @AfterEach
    void reap() throws Exception {
        ControlPlaneProcessTest.tearDown(cp, home, dir);
    }

    @Test
    void greenIsServedOnThePreviewPortThroughTheProxyUntilPromotedWhileTrafficStaysOnBlue() throws Exception {
        dir = Files.createTempDirectory("baton-preview-test");
        home = new BatonHome(dir.resolve(".baton"));
        int trafficPort = LiveHome.freePort();
        int previewPort = LiveHome.freePort();
        String app = TestApp.run(dir, "");
        Path spec = Files.writeString(dir.resolve("shop.yaml"), """
                app: shop
                version: v1
                listen: %d
                instances: 1
                run: "%s"
                drain: { timeout: 5s, jobs_soft: 1s, jobs_hard: 2s }
                strategy: { type: blue-green, preview: %d, smoke: /health, auto_promote: false }
                progress_deadline: 60s
                """.formatted(trafficPort, app, previewPort));
        cp = new ControlPlaneProcess(home, spec, ControlPlaneProcessTest.testClasspath(), Map.of()).start();
        cp.awaitApi(Duration.ofMinutes(2));
        BatonClient client = cp.client();
        await().atMost(TIMEOUT).until(() -> "v1".equals(client.status().path("stableVersion").asText(null)));

        String id = client.deploy(DeployRequest.of("v2"));
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> waiting(client, id) != null);

        assertThat(waiting(client, id)).isEqualTo("v2 is on the preview port " + previewPort
                + ": waiting for 'baton promote'");
        List<String> events = new ArrayList<>();
        client.get("/v1/rollouts/" + id).path("events").forEach(e -> events.add(e.path("step").asText() + " "
                + e.path("detail").asText()));
        assertThat(events).contains("SmokeCheck passed");
        JsonNode status = client.status();
        assertThat(status.path("rollout").path("waiting").asText())
                .isEqualTo("v2 is on the preview port " + previewPort + ": waiting for 'baton promote'");
        assertThat(status.path("proxy").path("previewPort").asInt()).isEqualTo(previewPort);
        for (int i = 0; i < 5; i++) {
            assertThat(get(previewPort)).startsWith("hello from v2");
            assertThat(get(trafficPort)).startsWith("hello from v1");
        }

        client.post("/v1/promote", Map.of());
        JsonNode end = client.awaitOutcome(id, TIMEOUT, e -> { });
        assertThat(end.path("rollout").path("phase").asText()).isEqualTo("SUCCEEDED");
        assertThat(end.path("rollout").path("waiting").isNull()).isTrue();
        assertThat(get(trafficPort)).startsWith("hello from v2");
    }

    /** The detail of the rollout's WAITING event, or null while it waits for nothing. */
    private static String waiting(BatonClient client, String id) {
        for (JsonNode e : client.get("/v1/rollouts/" + id).path("events")) {
            if (e.path("kind").asText().equals("WAITING")) {
                return e.path("detail").asText();
            }
        }
        return null;
    }

    private static String get(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
