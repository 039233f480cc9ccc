package dev.baton.server.verify;

/** What the Kubernetes-only faults act on: Baton's own pods and the app's pods on a cluster. */
public interface ClusterFaultTarget extends FaultTarget {

    /**
     * SIGKILLs the leading control plane pod's process and waits until a standby leads; says what happened, with the
     * takeover time measured from the signal.
     */
    String killLeader() throws InterruptedException;

    /**
     * SIGKILLs a proxy replica the load does not go through and waits until its replacement is Ready; says what
     * happened, with the table the replacement held when it turned Ready. Throws when it held none, or not the one
     * the serving replica holds.
     */
    String killProxy() throws InterruptedException;

    /** Deletes the instance's pod with grace period 0 ({@code --force}); false when it has none. */
    boolean forceDelete(InstanceRef instance);

    /** The target as a cluster, or a clear refusal for a fault that needs one. */
    static ClusterFaultTarget of(FaultContext ctx, FaultKind kind) {
        if (ctx.target() instanceof ClusterFaultTarget c) {
            return c;
        }
        throw new IllegalStateException(kind.option() + " needs --kubernetes");
    }
}
