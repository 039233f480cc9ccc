package dev.baton.server.verify;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The control plane SIGKILLed in the middle of a rollout, left dead for {@code downFor} (the data plane
 * carries traffic and jobs alone meanwhile), then started again: it must resume the rollout.
 *
 * @param downFor how long the control plane stays dead
 */
public record ControlPlaneRestart(Duration downFor) implements Fault {

    public ControlPlaneRestart {
        if (downFor == null || downFor.isNegative()) {
            throw new IllegalArgumentException("downFor: must be zero or positive, got " + downFor);
        }
    }

    @Override
    public FaultKind kind() {
        return FaultKind.CONTROL_PLANE_RESTART;
    }

    @Override
    public boolean inject(FaultContext ctx) throws InterruptedException {
        if (ctx.awaitDuringDeploy(() -> ctx.midRollout() ? Optional.of(true) : Optional.<Boolean>empty()).isEmpty()) {
            return false;
        }
        long at = System.nanoTime();
        ctx.target().killControlPlane();
        // The fault itself: the data plane runs without its control plane for this long.
        TimeUnit.NANOSECONDS.sleep(downFor.toNanos());
        ctx.target().startControlPlane();
        ctx.record(Injection.of(kind(), at, "control plane SIGKILLed mid-rollout, started again after "
                + (System.nanoTime() - at) / 1_000_000 + " ms"));
        return true;
    }
}
