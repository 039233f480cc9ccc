package dev.baton.server.verify;

import java.util.Optional;

/**
 * An app pod force-deleted ({@code --grace-period=0 --force}) in the middle of a rollout: its process is killed at
 * once, as SIGKILL would. The control plane sees a crash, takes it out of routing and replaces it; no job is lost
 * (its leases expire and the jobs run elsewhere).
 */
public record PodForceDelete() implements Fault {

    @Override
    public FaultKind kind() {
        return FaultKind.POD_FORCE_DELETE;
    }

    @Override
    public boolean inject(FaultContext ctx) throws InterruptedException {
        ClusterFaultTarget cluster = ClusterFaultTarget.of(ctx, kind());
        Optional<Injection> done = ctx.awaitDuringDeploy(() -> ctx.victim(i -> true).map(i -> {
            long at = System.nanoTime();
            if (!cluster.forceDelete(i)) {
                throw new IllegalStateException("instance " + i.id() + " has no pod");
            }
            return new Injection(kind(), at, i, Signal.KILL, -1, -1, "pod of " + i.describe()
                    + " force-deleted (grace period 0)");
        }));
        done.ifPresent(ctx::record);
        return done.isPresent();
    }
}
