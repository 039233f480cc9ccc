package dev.baton.rollout;

import java.time.Duration;

/**
 * Rolling update, as a Kubernetes Deployment: at most {@code maxSurge} instances above the desired count,
 * at most {@code maxUnavailable} below it, and a new instance counts as available only after it has been
 * ready for {@code minReady}.
 */
public record RollingSpec(Amount maxSurge, Amount maxUnavailable, Duration minReady) implements StrategySpec {
    public RollingSpec {
        DrainSpec.requireNonNegative("strategy.min_ready", minReady);
        if (maxSurge.value() == 0 && maxUnavailable.value() == 0) {
            throw new IllegalArgumentException(
                    "strategy.max_surge: max_surge and max_unavailable cannot both be 0 (nothing could ever change)");
        }
    }

    public static RollingSpec defaults() {
        return new RollingSpec(Amount.of(1), Amount.of(0), Duration.ZERO);
    }

    @Override
    public String type() {
        return "rolling";
    }
}
