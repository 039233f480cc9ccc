package dev.baton.rollout;

import java.time.Duration;

/**
 * Blue-green: a full set of the new version starts beside the old one, optionally reachable on the
 * {@code preview} port and checked with a {@code smoke} GET, then all traffic swaps at once (on its own
 * when {@code autoPromote}, else on promote). The old set stays up for {@code scaleDownDelay}, so a
 * rollback within it is one route swap.
 *
 * @param preview the proxy's preview port, or null for none
 * @param smoke the smoke-check path (GET through the preview, 2xx passes), or null for none
 */
public record BlueGreenSpec(Integer preview, String smoke, boolean autoPromote, Duration scaleDownDelay)
        implements StrategySpec {
    public static final Duration DEFAULT_SCALE_DOWN_DELAY = Duration.ofSeconds(30);

    public BlueGreenSpec {
        if (preview != null && (preview < 1 || preview > 65535)) {
            throw new IllegalArgumentException("strategy.preview: must be a port 1..65535, got " + preview);
        }
        if (smoke != null && !smoke.startsWith("/")) {
            throw new IllegalArgumentException("strategy.smoke: must be a path starting with /, got " + smoke);
        }
        DrainSpec.requireNonNegative("strategy.scale_down_delay", scaleDownDelay);
    }

    public static BlueGreenSpec defaults() {
        return new BlueGreenSpec(null, null, true, DEFAULT_SCALE_DOWN_DELAY);
    }

    /**
     * How a {@code baton rollback} runs, whatever the spec says: no manual gate (no preview, smoke check or promote),
     * and traffic moves only once every instance of the version gone back to is ready, all at once (Argo
     * Rollouts #3941: shifting traffic to a stable set that was not scaled up yet is the outage to avoid). The
     * version rolled away from is drained and stopped at once.
     */
    public static BlueGreenSpec emergency() {
        return new BlueGreenSpec(null, null, true, Duration.ZERO);
    }

    @Override
    public String type() {
        return "blue-green";
    }
}
