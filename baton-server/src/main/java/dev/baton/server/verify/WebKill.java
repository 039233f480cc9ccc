package dev.baton.server.verify;

import java.util.Optional;

/**
 * SIGKILL of an instance while requests are inside it, in the middle of a rollout. The proxy retries
 * idempotent requests elsewhere, so most still succeed; any that fail must have been inside that instance
 * at the kill (see {@link FailureExplainer}).
 */
public record WebKill() implements Fault {

    @Override
    public FaultKind kind() {
        return FaultKind.WEB_KILL;
    }

    @Override
    public boolean needsSlowRequests() {
        return true;
    }

    @Override
    public boolean inject(FaultContext ctx) throws InterruptedException {
        Optional<Injection> done = ctx.awaitDuringDeploy(() -> ctx.victim(i -> ctx.target().requestsInside(i) > 0)
                .map(i -> {
                    int held = ctx.target().jobsHeld(i);
                    int inside = ctx.target().requestsInside(i);
                    long at = System.nanoTime();
                    ctx.target().signal(i, Signal.KILL);
                    return new Injection(kind(), at, i, Signal.KILL, inside, held,
                            "SIGKILL " + i.describe() + " with " + inside + " request(s) inside, holding " + held
                                    + " job(s)");
                }));
        done.ifPresent(ctx::record);
        return done.isPresent();
    }
}
