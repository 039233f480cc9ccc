package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import java.util.Map;

/** The labels and metadata every generated object shares; the selector never names a version. */
final class Labels {
    static final String NAME = "app.kubernetes.io/name";
    static final String VERSION = "app.kubernetes.io/version";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String INSTANCE = "baton.dev/instance";
    static final String BATON = "baton";
    static final String PART_OF = "app.kubernetes.io/part-of";
    static final String COMPONENT = "app.kubernetes.io/component";

    private Labels() {}

    static Map<String, Object> selector(String app) {
        return map(NAME, app);
    }

    static Map<String, Object> metadata(String app, KubeOptions options) {
        return map("name", app, "namespace", options.namespace(), "labels", map(NAME, app, MANAGED_BY, "baton"));
    }

    /**
     * The labels of a part Baton installs for an app ({@code kube install}): named {@code baton}, part of the app, and
     * never {@code managed-by: baton}, so the driver's informer (app name and managed-by) never takes them for instances.
     */
    static Map<String, Object> installed(String app, String component) {
        return map(NAME, BATON, PART_OF, app, COMPONENT, component);
    }

    static Map<String, Object> podLabels(String app, KubeOptions options) {
        return map(NAME, app, VERSION, options.effectiveVersion(), MANAGED_BY, "baton");
    }
}
