package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.rollout.AppSpec;
import java.util.List;

/** The Service: the spec's {@code listen} port, to the pods' {@code http} port, for ready pods of every version. */
final class ServiceManifest {
    private ServiceManifest() {}

    static KubeYaml.Document of(AppSpec spec, KubeOptions options) {
        return new KubeYaml.Document(List.of("Only ready pods are endpoints; a terminating pod is removed at once, "
                + "but proxies learn of it late (see preStop)."), map(
                "apiVersion", "v1",
                "kind", "Service",
                "metadata", Labels.metadata(spec.app(), options),
                "spec", map(
                        "type", "ClusterIP",
                        "selector", Labels.selector(spec.app()),
                        "ports", List.of(map("name", Probes.PORT_NAME, "port", spec.listen(),
                                "targetPort", Probes.PORT_NAME, "protocol", "TCP")))));
    }
}
