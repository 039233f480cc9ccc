package dev.baton.server.verify;

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
        return ctx.signalVictim(kind(), i -> ctx.target().requestsInside(i) > 0, Signal.TERM,
                (i, inside, held) -> "SIGTERM " + i.describe() + " with " + inside + " slow request(s) inside, holding "
                        + held + " job(s)");
    }
}
