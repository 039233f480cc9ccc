package dev.baton.rollout;

/**
 * Decides a rollout's next step from its current state. A pure function: the same state gives the same
 * step, so a restarted controller resumes by asking again. One implementation per strategy type.
 */
public interface Strategy {
    Step next(RolloutState state);

    /** The strategy the spec asks for. */
    static Strategy of(AppSpec spec) {
        return switch (spec.strategy()) {
            case RollingSpec r -> new RollingStrategy(r);
            case BlueGreenSpec b -> new BlueGreenStrategy(b);
            case CanarySpec c -> new CanaryStrategy(c);
        };
    }
}
