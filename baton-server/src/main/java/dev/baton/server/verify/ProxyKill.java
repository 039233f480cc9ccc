package dev.baton.server.verify;

/**
 * A proxy replica SIGKILLed while the rollout changes weights (an instance of the new version is READY): the load,
 * through the other replica, must not notice, and the replacement pod must hold the current table when it turns
 * Ready.
 */
public record ProxyKill() implements Fault {

    @Override
    public FaultKind kind() {
        return FaultKind.PROXY_KILL;
    }

    @Override
    public boolean inject(FaultContext ctx) throws InterruptedException {
        ClusterFaultTarget cluster = ClusterFaultTarget.of(ctx, kind());
        return ctx.strikeMidRollout(kind(), cluster::killProxy);
    }
}
