package dev.baton.kube;

import dev.baton.rollout.AppSpec;
import java.util.List;

/**
 * Renders an app spec as Kubernetes manifests: a Deployment, a Service and a PodDisruptionBudget whose
 * probes, preStop hook, grace period and container environment match what Baton's runtime does when a pod
 * is taken away (see {@link Termination}). Pure: no cluster is contacted.
 */
public final class KubeManifests {
    private KubeManifests() {}

    /**
     * The manifests as one multi-document YAML text, each document after comments that explain its numbers.
     *
     * @throws IllegalArgumentException naming the spec field or option that cannot be rendered
     */
    public static String render(AppSpec spec, KubeOptions options) {
        return render(spec, options, KubeVersion.LATEST);
    }

    /**
     * The manifests for a cluster of version {@code kube}: no field it would drop silently (the preStop
     * {@code sleep} before 1.30, {@code policy/v1} before 1.21).
     *
     * @throws IllegalArgumentException naming the spec field or option that cannot be rendered
     */
    public static String render(AppSpec spec, KubeOptions options, KubeVersion kube) {
        return KubeYaml.write(List.of(
                DeploymentManifest.of(spec, options, kube),
                ServiceManifest.of(spec, options),
                DisruptionBudgetManifest.of(spec, options, kube)));
    }

    /** The pod's termination budget for a spec and options: preStop, phases and grace period, in seconds. */
    public static Termination termination(AppSpec spec, KubeOptions options) {
        return Termination.of(spec.drain(), options.preStop());
    }
}
