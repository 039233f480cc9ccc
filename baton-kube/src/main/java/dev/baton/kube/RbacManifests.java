package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.rollout.AppSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

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
        return KubeYaml.write(documents(spec, namespace, databaseSecret, false));
    }

    /**
     * The ServiceAccount, Role and RoleBinding; {@code inCluster} adds what a control plane running as a pod needs
     * beyond that: Events to record what it did, and Leases for the election between its replicas.
     */
    static List<KubeYaml.Document> documents(AppSpec spec, String namespace, String databaseSecret, boolean inCluster) {
        String name = name(spec.app());
        Map<String, Object> meta = map("name", name, "namespace", namespace,
                "labels", map(Labels.NAME, spec.app(), Labels.MANAGED_BY, Labels.BATON));
        Map<String, Object> account = map("apiVersion", "v1", "kind", "ServiceAccount", "metadata", meta);
        Map<String, Object> role = map("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "Role", "metadata", meta,
                "rules", Stream.of(
                        map("apiGroups", List.of(""), "resources", List.of("pods"),
                                "verbs", List.of("get", "list", "watch", "create", "delete")),
                        map("apiGroups", List.of(""), "resources", List.of("pods/log"), "verbs", List.of("get")),
                        map("apiGroups", List.of(""), "resources", List.of("secrets"),
                                "resourceNames", List.of(databaseSecret), "verbs", List.of("get", "patch")),
                        map("apiGroups", List.of(""), "resources", List.of("secrets"), "verbs", List.of("create")),
                        inCluster ? map("apiGroups", List.of(""), "resources", List.of("events"),
                                "verbs", List.of("create", "patch")) : null,
                        inCluster ? map("apiGroups", List.of("coordination.k8s.io"), "resources", List.of("leases"),
                                "verbs", List.of("get", "list", "watch", "create", "update")) : null)
                        .filter(Objects::nonNull).toList());
        Map<String, Object> binding = map("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "RoleBinding",
                "metadata", meta,
                "roleRef", map("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", name),
                "subjects", List.of(map("kind", "ServiceAccount", "name", name, "namespace", namespace)));
        return List.of(
                new KubeYaml.Document(List.of("The identity of " + spec.app() + "'s Baton control plane (baton up "
                        + "--kubernetes); outside the cluster, a kubeconfig\nwith this account's token."), account),
                new KubeYaml.Document(List.of("Pods: create and delete one per instance; get, list and watch for the "
                        + "driver's informer.\nLogs for 'baton logs'. The database Secret: written when the control "
                        + "plane starts (create cannot\nbe limited by name in RBAC)." + (inCluster
                        ? "\nEvents: what the control plane did; Leases: one leader among its replicas." : "")), role),
                new KubeYaml.Document(List.of(), binding));
    }

    /** The ServiceAccount's, Role's and RoleBinding's name. */
    static String name(String app) {
        return app + "-baton";
    }
}
