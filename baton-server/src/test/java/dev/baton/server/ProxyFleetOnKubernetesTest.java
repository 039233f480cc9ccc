package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.kube.KubeTestCluster;
import dev.baton.rollout.InstanceAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proxy replicas as pods on the real API server (run by the node agent), found by label through the fleet's informer:
 * each becomes ready, by its readiness probe, only once the fleet pushed it the current table, and a replica added
 * later gets the table then.
 */
@Tag("kube")
class ProxyFleetOnKubernetesTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOKEN = "fleet-kube-token-0123456789";
    private static final int ADMIN_PORT = 9901;
    private final KubernetesClient k8s = KubeTestCluster.client();
    private String ns;
    /** This JVM's node agent: the proxy pods are bound to it, since another agent on the cluster may stop while they run. */
    private String node;
    private ProxyFleet fleet;

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        if (fleet != null) {
            fleet.close();
        }
        if (ns != null) {
            KubeTestCluster.deleteNamespace(ns);
        }
    }

    @Test
    void proxyPodsFoundByLabelAreReadyOnlyOnceTheFleetPushedThemTheCurrentTable() throws Exception {
        node = KubeTestCluster.agent(dir.resolve("pods")).nodeName();
        ns = KubeTestCluster.namespace();
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        createProxyPod("shop-baton-proxy-a", token);
        createProxyPod("shop-baton-proxy-b", token);
        await().atMost(WAIT).until(() -> answers("shop-baton-proxy-a") && answers("shop-baton-proxy-b"));
        assertThat(ready("shop-baton-proxy-a")).as("no table yet: not ready").isFalse();

        fleet = new ProxyFleet(new KubeProxyReplicas(k8s, ns, "shop", ADMIN_PORT),
                r -> new ProxyAdmin(r.host(), r.adminPort(), TOKEN)).start(Duration.ofMillis(200));
        ProxyTrafficControl traffic = new ProxyTrafficControl(fleet, "127.0.0.1", null, null);
        await().atMost(WAIT).until(() -> fleet.states().size() == 2);
        traffic.setRoutes(Map.of("v1", List.of(new InstanceAddress("v1-1", "127.0.0.1", 1))));
        traffic.setWeights(Map.of("v1", 100));

        await().atMost(WAIT).until(() -> ready("shop-baton-proxy-a") && ready("shop-baton-proxy-b"));

        createProxyPod("shop-baton-proxy-c", token);
        await().atMost(WAIT).until(() -> ready("shop-baton-proxy-c"));
        Pod c = k8s.pods().inNamespace(ns).withName("shop-baton-proxy-c").get();
        assertThat(new ProxyAdmin(c.getStatus().getPodIP(), ADMIN_PORT, TOKEN).routes().path("versions").get(0)
                .path("backends").get(0).asText()).isEqualTo("127.0.0.1:1");
        assertThat(fleet.states()).containsOnlyKeys("shop-baton-proxy-a", "shop-baton-proxy-b", "shop-baton-proxy-c")
                .allSatisfy((id, state) -> assertThat(state).isEqualTo(ProxyFleet.ReplicaState.SYNCED));
    }

    /** Running, and its admin API answers (with 503: a proxy without a table). */
    private boolean answers(String name) {
        Pod p = k8s.pods().inNamespace(ns).withName(name).get();
        if (p == null || p.getStatus() == null || !"Running".equals(p.getStatus().getPhase())) {
            return false;
        }
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                    + p.getStatus().getPodIP() + ":" + ADMIN_PORT + "/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 503;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private boolean ready(String name) {
        Pod p = k8s.pods().inNamespace(ns).withName(name).get();
        return p != null && Readiness.isPodReady(p);
    }

    /** A proxy pod as the install's Deployment makes it, with the command the node agent can run here. */
    private void createProxyPod(String name, Path token) {
        String command = "exec " + ProxyProcess.javaBinary() + " -cp " + System.getProperty("java.class.path")
                + " dev.baton.proxy.ProxyMain --listen $POD_IP:8080 --admin $POD_IP:" + ADMIN_PORT
                + " --token-file " + token;
        ProxyPods.create(k8s, ns, "shop", name, node, ADMIN_PORT, command);
    }
}
