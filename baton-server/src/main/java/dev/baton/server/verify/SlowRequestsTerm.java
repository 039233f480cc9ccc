package dev.baton.server.verify;

import java.util.Optional;

/**
 * SIGTERM of an instance while slow requests are inside it, in the middle of a rollout. SIGTERM is the
 * graceful stop: every request inside must still succeed, so no failure is excused.
 */
public record SlowRequestsTerm() implements Fault {

    @Override
    public FaultKind kind() {
        return FaultKind.SLOW_TERM;
    }

    @Override
    public boolean needsSlowRequests() {
        return true;
    }

    @Override
    public boolean inject(FaultContext ctx) throws InterruptedException {
        Optional<Injection> done = ctx.awaitDuringDeploy(() -> ctx.victim(i -> ctx.target().requestsInside(i) > 0)
                .map(i -> {
                    int inside = ctx.target().requestsInside(i);
                    int held = ctx.target().jobsHeld(i);
                    long at = System.nanoTime();
                    ctx.target().signal(i, Signal.TERM);
                    return new Injection(kind(), at, i, Signal.TERM, inside, held,
                            "SIGTERM " + i.describe() + " with " + inside + " slow request(s) inside, holding "
                                    + held + " job(s)");
                }));
        done.ifPresent(ctx::record);
        return done.isPresent();
    }
}
