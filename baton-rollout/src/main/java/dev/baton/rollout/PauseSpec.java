package dev.baton.rollout;

import dev.baton.common.Durations;
import java.time.Duration;

/** How long a canary step holds its weight: not at all, for a duration, or until promoted ({@code forever}). */
public record PauseSpec(Duration duration, boolean forever) {
    public static final PauseSpec NONE = new PauseSpec(Duration.ZERO, false);
    public static final PauseSpec FOREVER = new PauseSpec(null, true);

    public PauseSpec {
        if (forever != (duration == null)) {
            throw new IllegalArgumentException("pause: either a duration or forever");
        }
        if (duration != null) {
            DrainSpec.requireNonNegative("pause", duration);
        }
    }

    public static PauseSpec of(Duration d) {
        return new PauseSpec(d, false);
    }

    @Override
    public String toString() {
        return forever ? "forever" : Durations.format(duration);
    }
}
