package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.kube.InstallOptions;
import dev.baton.kube.KubeTestCluster;
import dev.baton.postgres.EmbeddedDatabase;
import dev.baton.proof.HttpLoad;
import dev.baton.proof.HttpLoadConfig;
import dev.baton.proof.HttpLoadResult;
import dev.baton.proof.Outcome;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton up --kubernetes --proxy-fleet kubernetes} as a process on this host, on an external PostgreSQL,
 * driving the app's pods and two proxy pods labelled as an install's (run by the node agent on their own loopback
 * addresses): it starts no proxy of its own, pushes every table to both replicas, and a deploy under load sent
 * through one proxy pod fails no request.
 */
@Tag("kube")
class InClusterProxyFleetOnKubernetesTest {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final int LISTEN = 8000;
    private static final int ADMIN_PORT = InstallOptions.PROXY_ADMIN_PORT;
    private final KubernetesClient k8s = KubeTestCluster.client();
    private final List<AutoCloseable> started = new ArrayList<>();
    private String ns;
    private String node;

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : started.reversed()) {
            c.close();
        }
        if (ns != null) {
            KubeTestCluster.deleteNamespace(ns);
        }
    }

    @Test
    void theControlPlaneRunsNoProxyAndEveryProxyPodCarriesADeployWithoutAFailedRequest() throws Exception {
        node = KubeTestCluster.agent(dir.resolve("pods")).nodeName();
        ns = KubeTestCluster.namespace();
        BatonHome home = new BatonHome(dir.resolve(".baton"));
        String token = home.proxyToken(); // as the install mounts it: the same file the proxy pods read
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        createProxyPod("sample-baton-proxy-a", home, classpath);
        createProxyPod("sample-baton-proxy-b", home, classpath);
        EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("pg"), 0, EmbeddedDatabase.Durability.FAST);
        started.add(db);
        Path spec = Files.writeString(dir.resolve("sample.yaml"), spec(classpath));
        ControlPlaneProcess cp = new ControlPlaneProcess(home, spec, classpath,
                java.util.Map.of("BATON_DATABASE_URL", db.config().urlWithCredentials()),
                List.of("--kubernetes", "--kubeconfig", KubeTestCluster.kubeconfig().toString(), "--namespace", ns,
                        "--proxy-fleet", "kubernetes"));
        started.add(cp);
        cp.start().awaitApi(WAIT);
        BatonClient client = cp.client();
        await().atMost(WAIT).until(() -> "v1".equals(client.status().path("stableVersion").asText(null)));
        await().atMost(WAIT).until(() -> ready("sample-baton-proxy-a") && ready("sample-baton-proxy-b"));

        HttpLoad load = HttpLoad.start(HttpLoadConfig.of(URI.create("http://" + podIp("sample-baton-proxy-a") + ":"
                + LISTEN + "/hello"), 40).withProgressEvery(Duration.ZERO), null);
        HttpLoadResult result;
        try {
            await().atMost(WAIT).until(() -> load.ended(Outcome.OK) >= 40);
            String id = client.deploy(DeployRequest.of("v2"));
            assertThat(client.awaitOutcome(id, WAIT, e -> { }).path("rollout").path("phase").asText()).isEqualTo("SUCCEEDED");
            long answered = load.ended(Outcome.OK);
            await().atMost(WAIT).until(() -> load.ended(Outcome.OK) >= answered + 40);
        } finally {
            result = load.stop();
        }

        assertThat(result.summary().sent()).isPositive();
        assertThat(result.notOk()).as("requests that failed or got no answer").isEmpty();
        for (String proxy : List.of("sample-baton-proxy-a", "sample-baton-proxy-b")) {
            JsonNode table = new ProxyAdmin(podIp(proxy), ADMIN_PORT, token).routes();
            assertThat(table.path("versions")).as(proxy + "'s table").hasSize(1);
            assertThat(table.path("versions").get(0).path("name").asText()).isEqualTo("v2");
            assertThat(table.path("versions").get(0).path("weight").asInt()).isEqualTo(100);
        }
        JsonNode proxy = client.status().path("proxy");
        assertThat(proxy.path("pid").asLong()).as("no proxy process of its own").isZero();
        assertThat(proxy.path("trafficPort").asInt()).isEqualTo(LISTEN);
        assertThat(proxy.path("replicas")).extracting(r -> r.path("id").asText() + " " + r.path("state").asText())
                .containsExactly("sample-baton-proxy-a SYNCED", "sample-baton-proxy-b SYNCED");
        assertThat(ProxyProcess.runningFor(home)).isFalse();
    }

    private String spec(String classpath) {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        return """
                app: sample
                version: v1
                listen: %d
                instances: 2
                run: "%s -Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '%s' dev.baton.sample.SampleApp --port {port} --version {version}"
                env: { BATON_WORKER_LEASE: 3s, SAMPLE_JOB_MS: "10" }
                web: { readiness: /health/ready, liveness: /health/live }
                worker: { kinds: [sample.work] }
                drain: { timeout: 3s, jobs_soft: 2s, jobs_hard: 3s }
                strategy: { type: rolling, max_surge: 1, max_unavailable: 0, min_ready: 1s }
                progress_deadline: 90s
                kubernetes: { image: "baton-sample:{version}", namespace: %s }
                """.formatted(LISTEN, java, classpath, ns);
    }

    private String podIp(String name) {
        return k8s.pods().inNamespace(ns).withName(name).get().getStatus().getPodIP();
    }

    private boolean ready(String name) {
        Pod p = k8s.pods().inNamespace(ns).withName(name).get();
        return p != null && Readiness.isPodReady(p);
    }

    /**
     * A proxy pod as the install's Deployment makes it (labels, admin port, readiness on {@code /ready}, the drain
     * and health options), bound to its pod IP since the node agent runs every pod on this host, and to this JVM's
     * node agent, which outlives the test (another test's agent may stop while the pod runs).
     */
    private void createProxyPod(String name, BatonHome home, String classpath) {
        String command = "exec " + ProxyProcess.javaBinary() + " -cp '" + classpath + "' dev.baton.proxy.ProxyMain"
                + " --listen $POD_IP:" + LISTEN + " --admin $POD_IP:" + ADMIN_PORT
                + " --token-file " + home.proxyDir().resolve("admin.token")
                + " --drain-timeout 3s --health-path /health/ready";
        ProxyPods.create(k8s, ns, "sample", name, node, ADMIN_PORT, command);
    }
}
