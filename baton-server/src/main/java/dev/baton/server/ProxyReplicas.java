package dev.baton.server;

import java.util.List;

/**
 * Where the proxy replicas are, as the control plane's {@link ProxyFleet} finds them: a fixed list (the local proxy,
 * tests), or the proxy pods of an install ({@link KubeProxyReplicas}). Asked again on every round of the fleet, so a
 * replica that appears is pushed the current table and one that is gone is forgotten.
 */
@FunctionalInterface
interface ProxyReplicas extends AutoCloseable {

    /** One proxy replica's admin API: a stable id (a pod's name), and where it listens. */
    record Replica(String id, String host, int adminPort) {}

    /** The replicas now. */
    List<Replica> current();

    @Override
    default void close() {}

    /** Always the same replicas. */
    static ProxyReplicas fixed(List<Replica> replicas) {
        List<Replica> copy = List.copyOf(replicas);
        return () -> copy;
    }
}
