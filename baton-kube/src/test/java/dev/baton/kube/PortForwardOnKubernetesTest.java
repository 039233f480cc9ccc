package dev.baton.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pods/portforward} on the real API server: it passes the client's WebSocket upgrade through to the node
 * agent's kubelet port, which connects to the pod's own address. The pod is a small HTTP server bound to its pod
 * address only, so nothing but the forward can reach it from 127.0.0.1.
 */
@Tag("kube")
class PortForwardOnKubernetesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PORT = 8080;

    @TempDir
    Path dir;

    private final KubernetesClient k8s = KubeTestCluster.client();
    private String ns;
    private String node;

    @BeforeEach
    void setUp() {
        node = KubeTestCluster.agent(dir.resolve("pods")).nodeName();
        ns = KubeTestCluster.namespace();
    }

    @AfterEach
    void tearDown() {
        if (ns != null) {
            KubeTestCluster.deleteNamespace(ns);
        }
    }

    @Test
    void aServerOnThePodsAddressAnswersThroughAPortForwardMadeByTheApiServer() throws Exception {
        String marker = UUID.randomUUID().toString();
        String ip = startWebServer("web");
        Files.writeString(dir.resolve("www").resolve("marker.txt"), marker);

        try (LocalPortForward forward = k8s.pods().inNamespace(ns).withName("web").portForward(PORT)) {
            for (int i = 0; i < 3; i++) { // a new connection each time: a WebSocket each
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + forward.getLocalPort() + "/marker.txt")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).isEqualTo(200);
                assertThat(res.body()).isEqualTo(marker);
                http.close();
            }
            assertThat(forward.errorOccurred()).as("errors: %s %s", forward.getClientThrowables(),
                    forward.getServerThrowables()).isFalse();
        }
        assertThat(ip).as("the pod's own address, not the host's").startsWith("127.0.1.");
        assertThat(k8s.pods().inNamespace(ns).withName("web").getLog()).as("the log endpoint, on the same port")
                .contains("Serving");
    }

    @Test
    void aPortNothingListensOnIsReportedOnItsErrorChannel() throws Exception {
        startWebServer("web");
        try (LocalPortForward forward = k8s.pods().inNamespace(ns).withName("web").portForward(PORT + 1)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + forward.getLocalPort() + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
            await().atMost(WAIT).until(forward::errorOccurred);
            assertThat(forward.getServerThrowables()).anySatisfy(t -> assertThat(t.getMessage())
                    .contains("error forwarding port " + (PORT + 1)));
        }
    }

    /** A pod running the JDK's small web server on its pod address, serving {@code dir/www}; returns its IP. */
    private String startWebServer(String name) throws IOException {
        Files.createDirectories(dir.resolve("www"));
        String jwebserver = Path.of(System.getProperty("java.home"), "bin", "jwebserver").toString();
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy("Never").withTerminationGracePeriodSeconds(2L)
                .addNewContainer().withName("web").withImage("jwebserver:latest")
                .withCommand("sh", "-c", "exec " + jwebserver + " -b $POD_IP -p " + PORT + " -d " + dir.resolve("www"))
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                .endFieldRef().endValueFrom().endEnv()
                .addNewPort().withName("http").withContainerPort(PORT).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/").withPort(new IntOrString("http"))
                .endHttpGet().withPeriodSeconds(1).endReadinessProbe()
                .endContainer().endSpec().build();
        k8s.pods().inNamespace(ns).resource(pod).create();
        await().atMost(WAIT).until(() -> {
            Pod p = k8s.pods().inNamespace(ns).withName(name).get();
            return p != null && Readiness.isPodReady(p);
        });
        return k8s.pods().inNamespace(ns).withName(name).get().getStatus().getPodIP();
    }
}
