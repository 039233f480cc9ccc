package dev.baton.server.verify;

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
        return ctx.signalVictim(kind(), i -> ctx.target().requestsInside(i) > 0, Signal.KILL,
                (i, inside, held) -> "SIGKILL " + i.describe() + " with " + inside + " request(s) inside, holding "
                        + held + " job(s)");
    }
}
