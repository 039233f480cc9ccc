package dev.baton.server.verify;

/**
 * The leading control plane pod's process SIGKILLed in the middle of a rollout (a canary at its pause): a standby
 * takes over (its lease), adopts the pods and finishes the rollout or its rollback. The takeover time is measured and
 * recorded with the injection.
 */
public record LeaderKill() implements Fault {

    @Override
    public FaultKind kind() {
        return FaultKind.LEADER_KILL;
    }

    @Override
    public boolean inject(FaultContext ctx) throws InterruptedException {
        ClusterFaultTarget cluster = ClusterFaultTarget.of(ctx, kind());
        return ctx.strikeMidRollout(kind(), cluster::killLeader);
    }
}
