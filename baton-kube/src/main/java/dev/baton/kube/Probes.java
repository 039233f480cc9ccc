package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import java.util.Map;

/**
 * The kubelet's probes. Readiness is quick in both directions: a new pod takes traffic two seconds after it
 * answers 2xx, and a pod that starts draining (readiness 503 at SIGTERM) drops out after two failed probes.
 * Liveness is slow on purpose: it must never restart a pod that is draining (see
 * {@link Termination#livenessFailureThreshold()}) and it must not depend on the database.
 */
final class Probes {
    static final String PORT_NAME = "http";

    private Probes() {}

    static Map<String, Object> readiness(String path) {
        return map("httpGet", map("path", path, "port", PORT_NAME), "initialDelaySeconds", 1, "periodSeconds", 2,
                "timeoutSeconds", 2, "successThreshold", 1, "failureThreshold", 2);
    }

    static Map<String, Object> liveness(String path, Termination termination) {
        return map("httpGet", map("path", path, "port", PORT_NAME), "initialDelaySeconds", 10,
                "periodSeconds", Termination.LIVENESS_PERIOD_SECONDS, "timeoutSeconds", 5,
                "failureThreshold", termination.livenessFailureThreshold());
    }
}
