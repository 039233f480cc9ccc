package dev.baton.server;

import dev.baton.kube.InstallOptions;
import dev.baton.rollout.AppSpec;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The proxy pods of an install ({@code baton up --proxy-fleet kubernetes}) as the control plane drives them: a
 * {@link ProxyFleet} over the pods labelled as the app's proxies in the namespace of its pods, reached on their pod IPs
 * at the admin port with the token the install mounts in the home ({@code proxy/admin.token}), and the client it
 * watches them through. The fleet pushes only what this control plane publishes, which it does only while it leads;
 * {@link #forget()} drops the table when it steps down, so a standby's fleet holds none and pushes nothing.
 */
final class InClusterProxies implements AutoCloseable {
    private final KubernetesClient client;
    private final ProxyFleet fleet;
    private final String namespace;
    private final int trafficPort;

    private InClusterProxies(KubernetesClient client, ProxyFleet fleet, String namespace, int trafficPort) {
        this.client = client;
        this.fleet = fleet;
        this.namespace = namespace;
        this.trafficPort = trafficPort;
    }

    /** Starts watching the proxy pods of {@code spec}'s app (a spec already applied to the cluster target). */
    static InClusterProxies connect(KubeTarget target, AppSpec spec, BatonHome home) {
        KubernetesClient client = target.connect();
        try {
            String ns = spec.kubernetes().namespace() != null ? spec.kubernetes().namespace() : client.getNamespace();
            if (ns == null) {
                throw new IllegalArgumentException("--namespace: the proxy pods' namespace is not known (no --namespace, "
                        + "no kubernetes.namespace in the spec, none in the kubeconfig context)");
            }
            return new InClusterProxies(client, ProxyFleet.inCluster(client, ns, spec.app(), home.proxyToken()), ns,
                    spec.listen());
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    ProxyFleet fleet() { return fleet; }

    String namespace() { return namespace; }

    /** The port each proxy pod serves traffic on (the spec's {@code listen}), on its pod IP and behind the Service. */
    int trafficPort() { return trafficPort; }

    int adminPort() { return InstallOptions.PROXY_ADMIN_PORT; }

    /** Drops the current table: the replicas keep what they hold, and nothing is pushed until the next publish. */
    void forget() {
        fleet.forget();
    }

    @Override
    public void close() {
        fleet.close();
        client.close();
    }
}
