package dev.baton.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The real Kubernetes control plane the tests tagged {@code kube} run against: {@code BATON_TEST_KUBECONFIG}, else
 * the one {@code scripts/kube-test-cluster start} runs. There is no fallback: without a cluster these tests fail
 * with a message that says how to start one. One {@link NodeAgent} per test JVM stands in for the kubelet.
 */
public final class KubeTestCluster {
    private static KubernetesClient client;
    private static NodeAgent agent;

    private KubeTestCluster() {}

    public static Path kubeconfig() {
        String env = System.getenv("BATON_TEST_KUBECONFIG");
        Path p = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getenv().getOrDefault("BATON_CACHE", System.getProperty("user.home") + "/.cache/baton"),
                        "kube-run", "kubeconfig");
        if (!Files.isReadable(p)) {
            throw new IllegalStateException("no Kubernetes cluster for the tests: " + p + " does not exist; run "
                    + "'scripts/kube-test-cluster start' or set BATON_TEST_KUBECONFIG to a real cluster's kubeconfig");
        }
        return p;
    }

    public static synchronized KubernetesClient client() {
        if (client == null) {
            try {
                client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig())))
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(KubeTestCluster::shutdown, "kube-test-cluster-stop"));
        }
        return client;
    }

    /** The node agent of this JVM (its own node), started on first use. */
    public static synchronized NodeAgent agent(Path logs) {
        if (agent == null) {
            agent = NodeAgent.start(client(), NodeAgent.NODE_PREFIX + ProcessHandle.current().pid(), logs);
        }
        return agent;
    }

    /**
     * Another node agent ({@code <this JVM's node>-<suffix>}) for a test that needs a second node, e.g. one to lose;
     * the caller closes it (it is also closed when the JVM ends).
     */
    public static synchronized NodeAgent extraAgent(String suffix, Path logs) {
        NodeAgent extra = NodeAgent.start(client(), NodeAgent.NODE_PREFIX + ProcessHandle.current().pid() + "-" + suffix,
                logs);
        Runtime.getRuntime().addShutdownHook(new Thread(extra::close, "node-agent-stop-" + suffix));
        return extra;
    }

    /** A fresh, empty namespace. */
    public static String namespace() {
        String ns = "baton-t-" + UUID.randomUUID().toString().substring(0, 8);
        client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        return ns;
    }

    /** A fresh namespace with the app's database Secret ({@code <app>-database}, key {@code url}). */
    static String namespace(String app, String databaseUrl) {
        String ns = namespace();
        client().secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(app + "-database")
                .endMetadata().withStringData(Map.of(KubeOptions.DATABASE_SECRET_KEY, databaseUrl)).build()).create();
        return ns;
    }

    public static void deleteNamespace(String ns) {
        client().namespaces().withName(ns).delete();
    }

    private static synchronized void shutdown() {
        if (agent != null) {
            agent.close();
        }
        if (client != null) {
            client.close();
        }
    }
}
