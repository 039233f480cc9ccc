package dev.baton.server;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;

/**
 * The REST API of the control plane installed in a namespace, for the length of one command: a {@link KubeApiForward}
 * to its leading pod, found again on the next call once that pod stopped answering (deleted, evicted, or its node gone
 * while a standby takes over), as a home's client reads {@code api.json} again after a restart. So a command that
 * follows a rollout rides out a takeover.
 */
final class InstalledApi implements BatonClient.Access, AutoCloseable {
    private final KubernetesClient k8s;
    private final String namespace;
    private KubeApiForward current;
    private boolean stale;

    private InstalledApi(KubernetesClient k8s, String namespace, KubeApiForward first) {
        this.k8s = k8s;
        this.namespace = namespace;
        this.current = first;
    }

    /**
     * Connects to {@code cluster} and opens a forward to the leader of the install in {@code namespace}.
     *
     * @throws BatonClient.Unreachable in one line, when there is none to reach or the user may not reach it
     */
    static InstalledApi open(KubeTarget cluster, String namespace) {
        KubernetesClient k8s = cluster.connect();
        try {
            return new InstalledApi(k8s, namespace, KubeApiForward.open(k8s, namespace));
        } catch (RuntimeException e) {
            k8s.close();
            throw e;
        }
    }

    @Override
    public synchronized BatonClient.Endpoint endpoint() {
        if (stale) {
            current.close();
            current = KubeApiForward.open(k8s, namespace); // throws Unreachable while there is none: tried again next call
            stale = false;
        }
        return current.endpoint();
    }

    @Override
    public synchronized String unreachable(BatonClient.Endpoint ep, IOException e) {
        stale = true;
        return current.unreachable(ep, e);
    }

    /** Ends the forward and the cluster client. */
    @Override
    public synchronized void close() {
        current.close();
        k8s.close();
    }
}
