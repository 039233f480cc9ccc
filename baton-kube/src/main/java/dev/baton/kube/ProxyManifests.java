package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.common.Durations;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.BlueGreenSpec;
import dev.baton.rollout.DrainSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxies of an install: a Deployment of several replicas spread across nodes, the Service the app's traffic comes
 * in through, and a PodDisruptionBudget that lets a node drain take one replica at a time. A replica is ready only
 * once it holds a route table (its admin port's {@code /ready}); it keeps no table across restarts (no state file),
 * so a restarted replica takes traffic only after the control plane pushed it the current one.
 */
final class ProxyManifests {
    static final String COMPONENT = "proxy";
    /** How long ProxyMain lets in-flight requests finish after SIGTERM. */
    static final long STOP_SECONDS = 10;
    static final String TOKEN_DIR = "/etc/baton/tokens";
    static final String POD_IP_ENV = "POD_IP";

    private ProxyManifests() {}

    static String name(String app) {
        return app + "-baton-proxy";
    }

    static List<KubeYaml.Document> of(AppSpec spec, InstallOptions options, KubeVersion kube) {
        return List.of(deployment(spec, options, kube), service(spec, options), budget(spec, options, kube));
    }

    private static KubeYaml.Document deployment(AppSpec spec, InstallOptions options, KubeVersion kube) {
        String app = spec.app();
        Map<String, Object> labels = Labels.installed(app, COMPONENT);
        long preStop = KubeOptions.DEFAULT_PRE_STOP.toSeconds();
        long margin = Termination.ceilSeconds(DrainSpec.KILL_MARGIN);
        long grace = preStop + STOP_SECONDS + margin;
        // On a host whose pods share its network, each replica binds its own pod IP ($(POD_IP), expanded by the kubelet).
        boolean shared = options.podNetwork() == InstallOptions.PodNetwork.SHARED_HOST;
        String host = shared ? "$(" + POD_IP_ENV + ")" : "0.0.0.0";
        List<String> command = new ArrayList<>(List.of("baton", "proxy",
                "--listen", host + ":" + spec.listen(),
                "--admin", host + ":" + InstallOptions.PROXY_ADMIN_PORT,
                "--token-file", TOKEN_DIR + "/" + InstallManifests.PROXY_TOKEN_KEY,
                "--drain-timeout", Durations.oneUnit(spec.drain().timeout()),
                "--health-path", spec.web().readiness()));
        List<Map<String, Object>> ports = new ArrayList<>(List.of(
                map("name", Probes.PORT_NAME, "containerPort", spec.listen(), "protocol", "TCP"),
                map("name", "admin", "containerPort", InstallOptions.PROXY_ADMIN_PORT, "protocol", "TCP")));
        if (spec.strategy() instanceof BlueGreenSpec bg && bg.preview() != null) {
            command.addAll(List.of("--preview", "0.0.0.0:" + bg.preview()));
            ports.add(map("name", "preview", "containerPort", bg.preview(), "protocol", "TCP"));
        }
        if (!spec.web().trustedProxies().isEmpty()) {
            command.addAll(List.of("--trusted-proxies", String.join(",", spec.web().trustedProxies())));
        }
        Map<String, Object> container = map(
                "name", COMPONENT,
                "image", options.image(),
                "imagePullPolicy", "IfNotPresent",
                "command", command,
                "env", shared ? List.of(map("name", POD_IP_ENV, "valueFrom", map("fieldRef",
                        map("fieldPath", "status.podIP")))) : null,
                "ports", ports,
                "readinessProbe", map("httpGet", map("path", "/ready", "port", "admin"), "periodSeconds", 1,
                        "timeoutSeconds", 1, "successThreshold", 1, "failureThreshold", 2),
                "lifecycle", map("preStop", PodTemplate.preStop(kube.preStopAction(), preStop)),
                "volumeMounts", List.of(map("name", "tokens", "mountPath", TOKEN_DIR, "readOnly", true)));
        Map<String, Object> pod = map(
                "metadata", map("labels", labels),
                "spec", map(
                        "terminationGracePeriodSeconds", grace,
                        "affinity", map("podAntiAffinity", map("preferredDuringSchedulingIgnoredDuringExecution",
                                List.of(map("weight", 100, "podAffinityTerm", map(
                                        "labelSelector", map("matchLabels", labels),
                                        "topologyKey", "kubernetes.io/hostname"))))),
                        "containers", List.of(container),
                        "volumes", List.of(map("name", "tokens", "secret", map(
                                "secretName", InstallManifests.tokensSecret(app), "defaultMode", 0400,
                                "items", List.of(map("key", InstallManifests.PROXY_TOKEN_KEY,
                                        "path", InstallManifests.PROXY_TOKEN_KEY)))))));
        return new KubeYaml.Document(List.of(
                options.proxyReplicas() + " replicas, each on another node when the cluster has enough (preferred, "
                        + "so a small cluster\nstill runs them all). The control plane pushes every route table to "
                        + "every replica.",
                "Ready only once it holds a route table (/ready on the admin port); no state file, so a restarted "
                        + "replica\ntakes traffic only after the control plane pushed it the current table.",
                "terminationGracePeriodSeconds " + grace + " = preStop " + preStop + " (endpoint removal reaches "
                        + "kube-proxy late) + " + STOP_SECONDS + " in-flight + margin "
                        + margin + "."),
                InstallManifests.deployment(name(app), options, app, COMPONENT, options.proxyReplicas(), pod));
    }

    private static KubeYaml.Document service(AppSpec spec, InstallOptions options) {
        return new KubeYaml.Document(List.of("The app's traffic: to the ready proxies, which route it to the app's pods."),
                map("apiVersion", "v1",
                        "kind", "Service",
                        "metadata", InstallManifests.meta(spec.app(), options.namespace(), spec.app(), COMPONENT),
                        "spec", map(
                                "type", options.serviceType().name(),
                                "selector", Labels.installed(spec.app(), COMPONENT),
                                "ports", List.of(map("name", Probes.PORT_NAME, "port", spec.listen(),
                                        "targetPort", Probes.PORT_NAME, "protocol", "TCP")))));
    }

    private static KubeYaml.Document budget(AppSpec spec, InstallOptions options, KubeVersion kube) {
        return new KubeYaml.Document(List.of("Evictions (node drains) take one proxy replica at a time."),
                map("apiVersion", kube.disruptionBudgetApi(),
                        "kind", "PodDisruptionBudget",
                        "metadata", InstallManifests.meta(name(spec.app()), options.namespace(), spec.app(), COMPONENT),
                        "spec", map(
                                "maxUnavailable", 1,
                                "selector", map("matchLabels", Labels.installed(spec.app(), COMPONENT)),
                                "unhealthyPodEvictionPolicy", kube.hasUnhealthyPodEvictionPolicy()
                                        ? "AlwaysAllow" : null)));
    }
}
