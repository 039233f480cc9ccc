package dev.baton.server;

import dev.baton.kube.InstallManifests;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Comparator;
import java.util.List;

/**
 * The proxy pods of an install ({@code baton kube install}), found by their labels through an informer (a watch-fed
 * cache: no request per round). A pod is a replica once it runs and has an IP, ready or not, since a proxy becomes
 * ready only after the fleet pushed it a table; it stays one while it terminates, since it still serves during its
 * preStop delay and a drain must wait for its requests in flight.
 */
final class KubeProxyReplicas implements ProxyReplicas {
    private final SharedIndexInformer<Pod> informer;
    private final int adminPort;

    KubeProxyReplicas(KubernetesClient client, String namespace, String app, int adminPort) {
        this.adminPort = adminPort;
        this.informer = client.pods().inNamespace(namespace).withLabels(InstallManifests.proxyLabels(app)).inform();
    }

    @Override
    public List<Replica> current() {
        return informer.getStore().list().stream()
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
                        && p.getStatus().getPodIP() != null && !p.getStatus().getPodIP().isEmpty())
                .map(p -> new Replica(p.getMetadata().getName(), p.getStatus().getPodIP(), adminPort))
                .sorted(Comparator.comparing(Replica::id))
                .toList();
    }

    @Override
    public void close() {
        informer.close();
    }
}
