package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.rollout.AppSpec;
import dev.baton.rollout.RollingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The PodDisruptionBudget: node drains and other evictions take at most as many pods at once as the rolling
 * update may ({@code max_unavailable}, at least 1 so a drain can always progress), and always go through the
 * same preStop and grace period. Pods that are not ready may always be evicted, so a crash-looping pod never
 * blocks a node drain.
 */
final class DisruptionBudgetManifest {
    private DisruptionBudgetManifest() {}

    static KubeYaml.Document of(AppSpec spec, KubeOptions options, KubeVersion kube) {
        int unavailable = spec.strategy() instanceof RollingSpec r ? r.maxUnavailable().resolve(spec.instances(), false) : 0;
        int maxUnavailable = Math.max(1, unavailable);
        List<String> comments = new ArrayList<>();
        comments.add("Evictions (node drains) take at most " + maxUnavailable + " pod(s) at once, each drained like "
                + "a rollout's.");
        if (!kube.hasUnhealthyPodEvictionPolicy()) {
            comments.add("Kubernetes " + kube + " has no unhealthyPodEvictionPolicy: a pod that is not ready counts "
                    + "against the budget.");
        }
        if (spec.instances() <= maxUnavailable) {
            comments.add("With " + spec.instances() + " instance(s), an eviction leaves no ready pod: "
                    + "raise instances for zero-downtime node drains.");
        }
        return new KubeYaml.Document(comments, map(
                "apiVersion", kube.disruptionBudgetApi(),
                "kind", "PodDisruptionBudget",
                "metadata", Labels.metadata(spec.app(), options),
                "spec", map(
                        "maxUnavailable", maxUnavailable,
                        "selector", map("matchLabels", Labels.selector(spec.app())),
                        "unhealthyPodEvictionPolicy", kube.hasUnhealthyPodEvictionPolicy() ? "AlwaysAllow" : null)));
    }
}
