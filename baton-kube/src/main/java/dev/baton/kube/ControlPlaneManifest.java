package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.rollout.AppSpec;
import java.util.List;
import java.util.Map;

/**
 * The control plane's Deployment: {@code baton up} with the spec from its ConfigMap and the instances as pods in the
 * same namespace, under its own ServiceAccount. Its REST API listens on the pod's loopback only: the command line
 * reaches it through a port-forward, so no admin port is exposed. {@code BATON_DATABASE_URL} comes from the database
 * Secret and the tokens from the tokens Secret, mounted where {@code baton up} reads them in its home. It starts no
 * proxy of its own ({@code --proxy-fleet kubernetes}): the leader pushes its tables to the install's proxy pods.
 */
final class ControlPlaneManifest {
    static final String COMPONENT = "control-plane";
    static final String HOME = "/var/lib/baton";
    static final String SPEC_DIR = "/etc/baton/spec";

    private ControlPlaneManifest() {}

    static KubeYaml.Document of(AppSpec spec, InstallOptions options) {
        String app = spec.app();
        Map<String, Object> labels = Labels.installed(app, COMPONENT);
        // On a host whose pods share its network the API binds the pod's own address (still a loopback one there),
        // on the same port, so a port-forward to the pod reaches it as it reaches a real pod's loopback.
        boolean shared = options.podNetwork() == InstallOptions.PodNetwork.SHARED_HOST;
        List<String> command = new java.util.ArrayList<>(List.of("baton", "up",
                SPEC_DIR + "/" + InstallManifests.SPEC_KEY, "--kubernetes", "--namespace", options.namespace(),
                "--api-port", Integer.toString(InstallOptions.API_PORT), "--home", HOME, "--proxy-fleet", "kubernetes"));
        List<Object> env = new java.util.ArrayList<>(List.of(map("name", "BATON_DATABASE_URL", "valueFrom",
                map("secretKeyRef", map("name", options.databaseSecret(), "key", KubeOptions.DATABASE_SECRET_KEY)))));
        if (shared) {
            command.addAll(List.of("--api-host", "$(" + ProxyManifests.POD_IP_ENV + ")"));
            env.add(map("name", ProxyManifests.POD_IP_ENV, "valueFrom", map("fieldRef", map("fieldPath", "status.podIP"))));
        }
        Map<String, Object> container = map(
                "name", COMPONENT,
                "image", options.image(),
                "imagePullPolicy", "IfNotPresent",
                "command", command,
                "env", env,
                "volumeMounts", List.of(
                        map("name", "home", "mountPath", HOME),
                        map("name", "spec", "mountPath", SPEC_DIR, "readOnly", true),
                        map("name", "tokens", "mountPath", HOME + "/token", "subPath", InstallManifests.API_TOKEN_KEY,
                                "readOnly", true),
                        map("name", "tokens", "mountPath", HOME + "/proxy/admin.token",
                                "subPath", InstallManifests.PROXY_TOKEN_KEY, "readOnly", true)));
        Map<String, Object> pod = map(
                "metadata", map("labels", labels),
                "spec", map(
                        "serviceAccountName", RbacManifests.name(app),
                        "containers", List.of(container),
                        "volumes", List.of(
                                map("name", "home", "emptyDir", map()),
                                map("name", "spec", "configMap", map("name", InstallManifests.specConfigMap(app))),
                                map("name", "tokens", "secret", map("secretName", InstallManifests.tokensSecret(app),
                                        "defaultMode", 0400)))));
        return new KubeYaml.Document(List.of(
                options.controlPlaneReplicas() + " replica(s): one leads (drives rollouts and supervision), the others "
                        + "stand by to take over.",
                "The REST API listens on the pod's loopback (port " + InstallOptions.API_PORT + "): reach it through a "
                        + "port-forward, never a Service.",
                "BATON_DATABASE_URL from the Secret " + options.databaseSecret() + " (key "
                        + KubeOptions.DATABASE_SECRET_KEY + "), which 'kube install' does not write."),
                InstallManifests.deployment(RbacManifests.name(app), options, app, COMPONENT, options.controlPlaneReplicas(), pod));
    }
}
