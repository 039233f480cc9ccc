package dev.baton.server.verify;

import java.time.Duration;

/**
 * How a deploy ended.
 *
 * @param phase SUCCEEDED or ROLLED_BACK
 * @param reason why it was rolled back; {@code null} when it succeeded
 * @param duration from the deploy request to its end
 * @param rollbackDuration how long rolling back took; {@code null} when it was not rolled back
 */
public record DeployOutcome(String phase, String reason, Duration duration, Duration rollbackDuration) {

    /** How a stage's deploy ended. */
    public static DeployOutcome of(dev.baton.server.scenario.Deploy d) {
        return new DeployOutcome(d.status(), d.reason(), d.duration(), d.rollbackDuration());
    }

    public boolean rolledBack() {
        return "ROLLED_BACK".equals(phase);
    }
}
