package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.rollout.AppSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Deployment: replicas, the rolling update, the pod with its probes, env, preStop, grace period and how long it
 * stays on a lost node.
 */
final class DeploymentManifest {
    private DeploymentManifest() {}

    static KubeYaml.Document of(AppSpec spec, KubeOptions options, KubeVersion kube) {
        Termination t = Termination.of(spec.drain(), options.preStop());
        RolloutShape shape = RolloutShape.of(spec);
        long progressDeadline = Termination.ceilSeconds(spec.progressDeadline());
        if (progressDeadline <= shape.minReadySeconds()) {
            throw new IllegalArgumentException("progress_deadline: must be longer than strategy.min_ready on Kubernetes ("
                    + shape.minReadySeconds() + "s), got " + progressDeadline + "s");
        }
        int port = spec.listen();
        Map<String, Object> container = PodTemplate.container(spec, options, port, t, kube.preStopAction(),
                List.of());
        Map<String, Object> pod = map(
                "metadata", map("labels", Labels.podLabels(spec.app(), options)),
                "spec", map("terminationGracePeriodSeconds", t.graceSeconds(), "containers", List.of(container),
                        "tolerations", NodeLossTolerations.of(spec)));
        Map<String, Object> deployment = map(
                "apiVersion", "apps/v1",
                "kind", "Deployment",
                "metadata", Labels.metadata(spec.app(), options),
                "spec", map(
                        "replicas", spec.instances(),
                        "selector", map("matchLabels", Labels.selector(spec.app())),
                        "strategy", map("type", "RollingUpdate", "rollingUpdate",
                                map("maxSurge", shape.maxSurge(), "maxUnavailable", shape.maxUnavailable())),
                        "minReadySeconds", shape.minReadySeconds(),
                        "progressDeadlineSeconds", progressDeadline,
                        "template", pod));

        List<String> comments = new ArrayList<>();
        comments.add(t.explain() + ".");
        comments.add(t.preStopSeconds() == 0
                ? "No preStop: SIGTERM comes at once (set a preStop for pods behind a Service)."
                : "preStop sleeps " + t.preStopSeconds() + "s while the pod still serves: endpoint removal reaches "
                        + "kube-proxy and the ingress\nasynchronously, so requests keep arriving for a few seconds "
                        + "after the pod starts terminating.");
        if (spec.web().liveness() != null) {
            comments.add("Liveness restarts only after " + t.livenessFailureThreshold() + " x "
                    + Termination.LIVENESS_PERIOD_SECONDS + "s of failures, longer than the grace period: "
                    + "a draining pod is never restarted.");
        }
        comments.add(NodeLossTolerations.explain(spec));
        if (PodTemplate.needsShell(spec, options, port)) {
            comments.add("run needs a shell, so sh is PID 1: start the last program with exec, or SIGTERM never "
                    + "reaches it\nand SIGKILL ends it at the grace period with its jobs unreleased.");
        }
        comments.addAll(shape.notes());
        return new KubeYaml.Document(comments, deployment);
    }
}
