package dev.baton.server.verify;

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
        return ctx.signalVictim(kind(), i -> ctx.target().jobsHeld(i) > 0, Signal.KILL,
                (i, inside, held) -> "SIGKILL " + i.describe() + " holding " + held + " job(s), " + inside
                        + " request(s) inside");
    }
}
