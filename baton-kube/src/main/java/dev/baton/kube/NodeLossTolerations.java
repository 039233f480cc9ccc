package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.rollout.AppSpec;
import dev.baton.rollout.KubernetesSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How long a pod stays bound to a node that stopped answering: the {@code NoExecute} tolerations of the taints the
 * node-lifecycle controller puts on a NotReady ({@code node.kubernetes.io/not-ready}) or unreachable
 * ({@code node.kubernetes.io/unreachable}) node, with the spec's {@code kubernetes.node_loss_toleration} as
 * {@code tolerationSeconds}. Without them the API server adds both with 300 s. When the time is up the pod is
 * evicted (deleted), which is what makes Baton, or a Deployment, start its replacement on a live node.
 */
final class NodeLossTolerations {
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";

    private NodeLossTolerations() {}

    /** The spec's, else {@link KubernetesSpec#DEFAULT_NODE_LOSS_TOLERATION}, in whole seconds (rounded up). */
    static long seconds(AppSpec spec) {
        Duration d = spec.kubernetes() == null ? KubernetesSpec.DEFAULT_NODE_LOSS_TOLERATION
                : spec.kubernetes().nodeLossToleration();
        return Termination.ceilSeconds(d);
    }

    /** The two tolerations, for a pod that tolerates nothing else ({@code kube render}'s Deployment). */
    static List<Map<String, Object>> of(AppSpec spec) {
        return withSpecs(spec, List.of());
    }

    /**
     * The spec's own tolerations, then these two for every key it does not tolerate itself (a toleration the spec
     * writes for one of these keys wins): the driver's pods.
     */
    static List<Map<String, Object>> withSpecs(AppSpec spec) {
        return withSpecs(spec, spec.kubernetes() == null ? List.of() : spec.kubernetes().tolerations());
    }

    private static List<Map<String, Object>> withSpecs(AppSpec spec, List<KubernetesSpec.Toleration> own) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (KubernetesSpec.Toleration x : own) {
            out.add(map("key", x.key(), "operator", x.operator(), "value", x.value(), "effect", x.effect(),
                    "tolerationSeconds", x.seconds()));
        }
        for (String key : List.of(NOT_READY, UNREACHABLE)) {
            if (own.stream().noneMatch(x -> key.equals(x.key()))) {
                out.add(map("key", key, "operator", "Exists", "effect", "NoExecute",
                        "tolerationSeconds", seconds(spec)));
            }
        }
        return out;
    }

    /** The line {@code kube render} writes above the Deployment. */
    static String explain(AppSpec spec) {
        return "Pods are evicted from a NotReady or unreachable node after " + seconds(spec)
                + "s (Kubernetes' default: 300s).";
    }
}
