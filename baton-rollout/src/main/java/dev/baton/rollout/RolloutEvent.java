package dev.baton.rollout;

import java.time.Instant;

/**
 * One line of a rollout's history: a step started, finished or failed, a command, or (after the rollout ended,
 * while its instances run) what the {@link Supervisor} did about a crash.
 */
public record RolloutEvent(String rolloutId, Instant at, Kind kind, String step, String detail) {
    public enum Kind { STEP_STARTED, STEP_DONE, STEP_FAILED, COMMAND, SUPERVISION }
}
