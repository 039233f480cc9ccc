package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.rollout.AppSpec;
import java.util.List;
import java.util.Map;

/**
 * The least a control plane needs to drive an app's pods ({@code baton kube render --rbac}): a ServiceAccount, a
 * Role in the pods' namespace and the RoleBinding between them. Pods: create, delete, and get, list and watch for the
 * informer; their logs for {@code baton logs}; the database Secret, which the control plane writes. No cluster-wide
 * rights: the server version it reads ({@code /version}) is open to every authenticated client.
 */
public final class RbacManifests {
    private RbacManifests() {}

    /** The three objects as YAML; {@code namespace} null leaves it to {@code kubectl -n}. */
    public static String render(AppSpec spec, String namespace, String databaseSecret) {
        String name = spec.app() + "-baton";
        Map<String, Object> meta = map("name", name, "namespace", namespace,
                "labels", map(Labels.NAME, spec.app(), Labels.MANAGED_BY, Labels.BATON));
        Map<String, Object> account = map("apiVersion", "v1", "kind", "ServiceAccount", "metadata", meta);
        Map<String, Object> role = map("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "Role", "metadata", meta,
                "rules", List.of(
                        map("apiGroups", List.of(""), "resources", List.of("pods"),
                                "verbs", List.of("get", "list", "watch", "create", "delete")),
                        map("apiGroups", List.of(""), "resources", List.of("pods/log"), "verbs", List.of("get")),
                        map("apiGroups", List.of(""), "resources", List.of("secrets"),
                                "resourceNames", List.of(databaseSecret), "verbs", List.of("get", "patch")),
                        map("apiGroups", List.of(""), "resources", List.of("secrets"), "verbs", List.of("create"))));
        Map<String, Object> binding = map("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "RoleBinding",
                "metadata", meta,
                "roleRef", map("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", name),
                "subjects", List.of(map("kind", "ServiceAccount", "name", name, "namespace", namespace)));
        return KubeYaml.write(List.of(
                new KubeYaml.Document(List.of("The identity of " + spec.app() + "'s Baton control plane (baton up "
                        + "--kubernetes); outside the cluster, a kubeconfig\nwith this account's token."), account),
                new KubeYaml.Document(List.of("Pods: create and delete one per instance; get, list and watch for the "
                        + "driver's informer.\nLogs for 'baton logs'. The database Secret: written when the control "
                        + "plane starts (create cannot\nbe limited by name in RBAC)."), role),
                new KubeYaml.Document(List.of(), binding)));
    }
}
