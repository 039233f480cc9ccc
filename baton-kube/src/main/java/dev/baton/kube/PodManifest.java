package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.rollout.AppSpec;
import dev.baton.rollout.KubernetesSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Pod per Baton instance, for {@link KubernetesDriver}: the same container as {@code kube render}'s Deployment
 * ({@link PodTemplate}), labelled with app, version, {@code managed-by: baton} and the instance, with
 * {@code restartPolicy: Never} (Baton's supervisor owns restarts), the pod's IP as {@code BATON_HOST} through the
 * downward API, the {@code kubernetes} section's placement, account and resources, and a short stay on a lost node
 * ({@link NodeLossTolerations}).
 */
final class PodManifest {
    private PodManifest() {}

    /** The manifest of instance {@code name} of {@code version}, as a map in the API's field names. */
    static Map<String, Object> of(AppSpec spec, String version, String name, String namespace,
                                  PodTemplate.PreStopAction preStop) {
        KubernetesSpec k = spec.kubernetes();
        KubeOptions options = options(spec, version, namespace);
        Termination t = Termination.of(spec.drain(), options.preStop());
        Map<String, Object> container = PodTemplate.container(spec, options, k.containerPort(), t, preStop,
                List.of(map("name", "BATON_HOST", "valueFrom", map("fieldRef", map("fieldPath", "status.podIP")))));
        Map<String, Object> resources = new LinkedHashMap<>();
        if (!k.requests().isEmpty()) {
            resources.put("requests", k.requests());
        }
        if (!k.limits().isEmpty()) {
            resources.put("limits", k.limits());
        }
        if (!resources.isEmpty()) {
            container.put("resources", resources);
        }
        Map<String, Object> labels = new LinkedHashMap<>(k.labels());
        labels.putAll(map(Labels.NAME, spec.app(), Labels.VERSION, version, Labels.MANAGED_BY, Labels.BATON,
                Labels.INSTANCE, name));
        return map(
                "apiVersion", "v1",
                "kind", "Pod",
                "metadata", map("name", name, "namespace", namespace, "labels", labels,
                        "annotations", k.annotations().isEmpty() ? null : k.annotations()),
                "spec", map(
                        "restartPolicy", "Never",
                        "terminationGracePeriodSeconds", t.graceSeconds(),
                        "serviceAccountName", k.serviceAccount(),
                        "imagePullSecrets", k.imagePullSecrets().isEmpty() ? null
                                : k.imagePullSecrets().stream().map(s -> map("name", s)).toList(),
                        "nodeSelector", k.nodeSelector().isEmpty() ? null : k.nodeSelector(),
                        "tolerations", NodeLossTolerations.withSpecs(spec),
                        "containers", List.of(container)));
    }

    /** The render options of one version: its image, the Secret and the preStop of the spec's section. */
    static KubeOptions options(AppSpec spec, String version, String namespace) {
        KubernetesSpec k = spec.kubernetes();
        return new KubeOptions(k.image(version), namespace, version, k.databaseSecret(), k.preStop());
    }

    /** The termination budget of the spec's pods: preStop, drain and grace period in seconds. */
    static Termination termination(AppSpec spec) {
        return Termination.of(spec.drain(), spec.kubernetes().preStop());
    }
}
