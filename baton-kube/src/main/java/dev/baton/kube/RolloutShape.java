package dev.baton.kube;

import dev.baton.rollout.Amount;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.BlueGreenSpec;
import dev.baton.rollout.CanarySpec;
import dev.baton.rollout.RollingSpec;
import dev.baton.rollout.StrategySpec;
import java.util.List;

/**
 * How the spec's strategy becomes a Deployment's {@code RollingUpdate}: {@code rolling} maps field for field
 * (Kubernetes rounds {@code maxSurge} percentages up and {@code maxUnavailable} down, as Baton does);
 * {@code blue-green} and {@code canary} have no equivalent in a plain Deployment, so they get the nearest
 * rolling shape and a comment saying what Baton's local mode does that the Deployment does not.
 *
 * @param maxSurge an int or a percentage string
 * @param maxUnavailable an int or a percentage string
 * @param minReadySeconds {@code strategy.min_ready}
 * @param notes comment lines for the Deployment (empty for {@code rolling})
 */
record RolloutShape(Object maxSurge, Object maxUnavailable, long minReadySeconds, List<String> notes) {

    static RolloutShape of(AppSpec spec) {
        StrategySpec s = spec.strategy();
        return switch (s) {
            case RollingSpec r -> new RolloutShape(value(r.maxSurge()), value(r.maxUnavailable()),
                    Termination.ceilSeconds(r.minReady()), List.of());
            case BlueGreenSpec b -> new RolloutShape("100%", 0, 0, List.of(
                    "strategy blue-green: rendered as a rolling update that starts every new pod before any old one",
                    "stops (maxSurge 100%, maxUnavailable 0). Baton's local mode also does what a plain Deployment",
                    "cannot: serve the new version on a preview port" + (b.preview() == null ? "" : " (" + b.preview() + ")")
                            + " and smoke-check it" + (b.smoke() == null ? "" : " (" + b.smoke() + ")")
                            + " before any user traffic,",
                    "switch all traffic and all jobs in one atomic step, wait for promote"
                            + (b.autoPromote() ? "" : " (auto_promote is false)") + ", and keep the old version",
                    "up for scale_down_delay so a rollback is one weight change. On Kubernetes use two Deployments",
                    "(blue, green) and switch the Service selector, or Argo Rollouts' blueGreen strategy."));
            case CanarySpec c -> new RolloutShape(1, 0, 0, List.of(
                    "strategy canary: rendered as a rolling update, one new pod at a time (maxSurge 1,",
                    "maxUnavailable 0). Baton's local mode also does what a plain Deployment cannot: hold traffic",
                    "at each step's weight (" + weights(c) + "), give the canary the same share of",
                    "jobs, judge it on error rate, p99 and job failure rate, roll back at once on a failed verdict",
                    "and retry on the stable version the jobs the canary failed. On Kubernetes use two Deployments",
                    "with weights at the ingress (e.g. a canary Ingress or a Gateway HTTPRoute with weights), or",
                    "Argo Rollouts' canary strategy with an AnalysisTemplate; no Kubernetes tool shares jobs."));
        };
    }

    private static Object value(Amount a) {
        return a.percent() ? a.value() + "%" : a.value();
    }

    private static String weights(CanarySpec c) {
        StringBuilder b = new StringBuilder();
        c.steps().forEach(step -> b.append(b.isEmpty() ? "" : ", ").append(step.weight()).append('%'));
        return b.toString();
    }
}
