package dev.baton.rollout;

/** One canary step: send {@code weight}% of traffic (and of jobs) to the new version, then hold for {@code pause}. */
public record CanaryStep(int weight, PauseSpec pause) {
    public CanaryStep {
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("weight: must be 0..100, got " + weight);
        }
        if (pause == null) {
            pause = PauseSpec.NONE;
        }
    }
}
