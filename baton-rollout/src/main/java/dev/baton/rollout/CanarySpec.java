package dev.baton.rollout;

import java.util.List;

/**
 * Canary: the new version gets the weight of each step in turn (strictly increasing, ending at 100),
 * holding each for its pause while the analysis, when configured, watches it.
 *
 * @param analysis the analysis, or null for none
 */
public record CanarySpec(List<CanaryStep> steps, AnalysisSpec analysis) implements StrategySpec {
    public CanarySpec {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("strategy.steps: must have at least one step");
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).weight() <= steps.get(i - 1).weight()) {
                throw new IllegalArgumentException("strategy.steps[" + i + "].weight: must be greater than the previous step's "
                        + steps.get(i - 1).weight() + ", got " + steps.get(i).weight());
            }
        }
        if (steps.getLast().weight() != 100) {
            throw new IllegalArgumentException("strategy.steps[" + (steps.size() - 1)
                    + "].weight: the last step must be 100, got " + steps.getLast().weight());
        }
    }

    @Override
    public String type() {
        return "canary";
    }
}
