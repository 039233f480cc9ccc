package dev.baton.server.scenario;

import dev.baton.proof.DeployWindow;
import java.time.Duration;

/**
 * How one deploy on a {@link Stage} ended.
 *
 * @param version the version deployed
 * @param strategy rolling, blue-green or canary
 * @param rolledBack whether it ended ROLLED_BACK
 * @param status its final phase ({@code SUCCEEDED} or {@code ROLLED_BACK})
 * @param window the span of the HTTP load during which it ran
 * @param duration from the deploy request to the outcome
 * @param rollbackDuration from the rollback decision to the end of the rollout; {@code null} without one
 * @param reason why it was rolled back; {@code null} otherwise
 * @param rolloutId the control plane's id of the rollout
 */
public record Deploy(String version, String strategy, boolean rolledBack, String status, DeployWindow window,
                     Duration duration, Duration rollbackDuration, String reason, String rolloutId) {}
