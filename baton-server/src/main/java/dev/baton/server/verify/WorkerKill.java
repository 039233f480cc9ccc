package dev.baton.server.verify;

import java.util.Optional;

/**
 * SIGKILL of an instance while its worker holds jobs, in the middle of a rollout. Its jobs come back when
 * their leases expire and run again elsewhere: none may be lost, no effect may happen twice; a job that
 * had reached its effect runs again, which is counted and explained.
 */
public record WorkerKill() implements Fault {

    @Override
    public FaultKind kind() {
        return FaultKind.WORKER_KILL;
    }

    @Override
    public boolean inject(FaultContext ctx) throws InterruptedException {
        Optional<Injection> done = ctx.awaitDuringDeploy(() -> ctx.victim(i -> ctx.target().jobsHeld(i) > 0).map(i -> {
            int inside = ctx.target().requestsInside(i);
            int held = ctx.target().jobsHeld(i);
            long at = System.nanoTime();
            ctx.target().signal(i, Signal.KILL);
            return new Injection(kind(), at, i, Signal.KILL, inside, held,
                    "SIGKILL " + i.describe() + " holding " + held + " job(s), " + inside + " request(s) inside");
        }));
        done.ifPresent(ctx::record);
        return done.isPresent();
    }
}
