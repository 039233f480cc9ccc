package dev.baton.kube;

import static dev.baton.kube.KubeYaml.map;

import dev.baton.rollout.AppSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything Baton needs in a namespace to run an app from inside the cluster ({@code baton kube install}): the
 * namespace; the control plane's ServiceAccount, Role and RoleBinding ({@link RbacManifests}); its tokens as a
 * Secret; the spec as a ConfigMap; the control plane's Deployment ({@link ControlPlaneManifest}); the proxies'
 * Deployment, Service and PodDisruptionBudget ({@link ProxyManifests}). Nothing for the app itself: its pods are
 * the driver's. Pure: no cluster is contacted.
 */
public final class InstallManifests {
    private InstallManifests() {}

    /**
     * The objects in the order they are applied, each with the comment lines that explain it.
     *
     * @param specText the spec file as written, which the control plane reads from the ConfigMap
     * @throws IllegalArgumentException naming the spec field or option that cannot be rendered
     */
    static List<KubeYaml.Document> documents(AppSpec spec, String specText, InstallOptions options, KubeVersion kube,
                                             InstallTokens tokens) {
        if (spec.kubernetes() == null) {
            throw new IllegalArgumentException("kubernetes: the spec needs a kubernetes section (at least "
                    + "kubernetes.image, e.g. registry.example.com/" + spec.app() + ":{version}): the control plane "
                    + "runs the app's instances as pods");
        }
        String ns = options.namespace();
        List<KubeYaml.Document> docs = new ArrayList<>();
        docs.add(new KubeYaml.Document(List.of("Baton's control plane and proxies for " + spec.app() + ", and the "
                + "app's pods, which the control plane creates."), map("apiVersion", "v1", "kind", "Namespace",
                "metadata", map("name", ns))));
        docs.addAll(RbacManifests.documents(spec, ns, options.databaseSecret(), true));
        docs.add(new KubeYaml.Document(List.of("The REST API's token and the token the control plane presents to the "
                + "proxies' admin API,\nmounted as files (mode 0400), never in arguments or environment values. "
                + "'kube install --apply' keeps\nthe tokens of an existing Secret."), map(
                "apiVersion", "v1", "kind", "Secret",
                "metadata", meta(tokensSecret(spec.app()), ns, spec.app(), "control-plane"),
                "type", "Opaque",
                "stringData", map(API_TOKEN_KEY, tokens.api(), PROXY_TOKEN_KEY, tokens.proxy()))));
        docs.add(new KubeYaml.Document(List.of("The app spec the control plane runs with ('kube install' was given it)."),
                map("apiVersion", "v1", "kind", "ConfigMap",
                        "metadata", meta(specConfigMap(spec.app()), ns, spec.app(), "control-plane"),
                        "data", map(SPEC_KEY, specText))));
        docs.add(ControlPlaneManifest.of(spec, options));
        docs.addAll(ProxyManifests.of(spec, options, kube));
        return docs;
    }

    /** The install as one multi-document YAML text. */
    public static String render(AppSpec spec, String specText, InstallOptions options, KubeVersion kube,
                                InstallTokens tokens) {
        return KubeYaml.write(documents(spec, specText, options, kube, tokens));
    }

    /** The install's objects, as maps in the API's field names, in the order they are applied. */
    public static List<Map<String, Object>> objects(AppSpec spec, String specText, InstallOptions options,
                                                    KubeVersion kube, InstallTokens tokens) {
        return documents(spec, specText, options, kube, tokens).stream().map(KubeYaml.Document::object).toList();
    }

    /** The tokens Secret's key that holds the REST API's token. */
    public static final String API_TOKEN_KEY = "api-token";
    static final String PROXY_TOKEN_KEY = "proxy-token";
    static final String SPEC_KEY = "baton.yaml";

    /** The Secret that holds the tokens. */
    public static String tokensSecret(String app) {
        return app + "-baton-tokens";
    }

    static String specConfigMap(String app) {
        return app + "-baton-spec";
    }

    /**
     * A Deployment of one installed part: its pods labelled as {@link Labels#installed}, rolled one new pod at a time
     * before an old one goes.
     */
    static Map<String, Object> deployment(String name, InstallOptions options, String app, String component,
                                          int replicas, Map<String, Object> pod) {
        String namespace = options.namespace();
        placed(pod, options.placement());
        return map("apiVersion", "apps/v1",
                "kind", "Deployment",
                "metadata", meta(name, namespace, app, component),
                "spec", map(
                        "replicas", replicas,
                        "selector", map("matchLabels", Labels.installed(app, component)),
                        "strategy", map("type", "RollingUpdate", "rollingUpdate", map("maxSurge", 1, "maxUnavailable", 0)),
                        "template", pod));
    }

    /** Adds the placement's node selector and tolerations to the pod template's spec. */
    @SuppressWarnings("unchecked")
    private static void placed(Map<String, Object> pod, InstallOptions.Placement placement) {
        Map<String, Object> spec = (Map<String, Object>) pod.get("spec");
        if (!placement.nodeSelector().isEmpty()) {
            spec.put("nodeSelector", new java.util.TreeMap<>(placement.nodeSelector()));
        }
        if (!placement.tolerations().isEmpty()) {
            spec.put("tolerations", placement.tolerations().stream().map(x -> map("key", x.key(), "operator",
                    x.operator(), "value", x.value(), "effect", x.effect(), "tolerationSeconds", x.seconds())).toList());
        }
    }

    /** The labels of an app's proxy pods, as the control plane's fleet finds them. */
    public static Map<String, String> proxyLabels(String app) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Labels.installed(app, ProxyManifests.COMPONENT).forEach((k, v) -> out.put(k, (String) v));
        return out;
    }

    /** The labels of an app's control-plane pods. */
    public static Map<String, String> controlPlaneLabels(String app) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Labels.installed(app, ControlPlaneManifest.COMPONENT).forEach((k, v) -> out.put(k, (String) v));
        return out;
    }

    /** What every installed control-plane pod is labelled with, whatever its app: how the command line finds them. */
    public static Map<String, String> controlPlaneSelector() {
        return Map.of(Labels.NAME, Labels.BATON, Labels.COMPONENT, ControlPlaneManifest.COMPONENT);
    }

    /** The app an installed pod is part of (its {@code app.kubernetes.io/part-of} label), or null. */
    public static String appOf(Map<String, String> podLabels) {
        return podLabels == null ? null : podLabels.get(Labels.PART_OF);
    }

    static Map<String, Object> meta(String name, String namespace, String app, String component) {
        return map("name", name, "namespace", namespace, "labels", Labels.installed(app, component));
    }
}
