package dev.baton.server.verify;

import java.util.Optional;

/**
 * PostgreSQL stopped (fast shutdown: sessions are cut) and started again in the middle of a rollout. Jobs
 * and the rollout must survive it; HTTP requests that do not touch the database must not notice.
 */
public record DatabaseRestart() implements Fault {

    @Override
    public FaultKind kind() {
        return FaultKind.DATABASE_RESTART;
    }

    @Override
    public boolean inject(FaultContext ctx) throws InterruptedException {
        boolean mid = ctx.awaitDuringDeploy(() -> ctx.midRollout() ? Optional.of(true) : Optional.<Boolean>empty())
                .isPresent();
        if (!mid) {
            return false;
        }
        long at = System.nanoTime();
        ctx.target().restartDatabase();
        ctx.record(Injection.of(kind(), at, "PostgreSQL restarted (fast stop, start) in "
                + (System.nanoTime() - at) / 1_000_000 + " ms"));
        return true;
    }
}
