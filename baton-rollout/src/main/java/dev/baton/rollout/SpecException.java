package dev.baton.rollout;

import java.util.List;

/**
 * An app spec that cannot be used. Carries every problem found, each naming the field path and
 * what is allowed (e.g. {@code strategy.steps[1].weight: must be 0..100, got 150}).
 */
public final class SpecException extends RuntimeException {
    private final List<String> errors;

    public SpecException(List<String> errors) {
        super(errors.size() == 1 ? "invalid app spec: " + errors.get(0)
                : "invalid app spec (" + errors.size() + " problems):\n  " + String.join("\n  ", errors));
        this.errors = List.copyOf(errors);
    }

    /** Every problem, one per entry, each starting with the field path. */
    public List<String> errors() {
        return errors;
    }
}
