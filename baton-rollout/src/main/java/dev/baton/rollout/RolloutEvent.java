package dev.baton.rollout;

import java.time.Instant;

/**
 * One line of a rollout's history: a step started, finished or failed, a command, or (after the rollout ended,
 * while its instances run) what the {@link Supervisor} did about a crash.
 */
public record RolloutEvent(String rolloutId, Instant at, Kind kind, String step, String detail) {
    /** What happened; {@code WAITING}: the rollout waits for an operator (promote, resume) and says why. */
    public enum Kind { STEP_STARTED, STEP_DONE, STEP_FAILED, WAITING, COMMAND, SUPERVISION }
}
