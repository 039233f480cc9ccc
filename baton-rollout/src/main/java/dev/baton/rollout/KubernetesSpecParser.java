package dev.baton.rollout;

import dev.baton.common.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The spec's {@code kubernetes:} section, each problem reported with the field's path. */
final class KubernetesSpecParser {
    static final List<String> FIELDS = List.of("image", "namespace", "container_port", "service_account",
            "image_pull_secrets", "node_selector", "tolerations", "labels", "annotations", "resources",
            "database_secret", "pre_stop", "node_loss_toleration");
    static final List<String> RESOURCES = List.of("requests", "limits");
    static final List<String> RESOURCE_NAMES = List.of("cpu", "memory", "ephemeral-storage");
    static final List<String> TOLERATION = List.of("key", "operator", "value", "effect", "seconds");
    private static final Set<String> OPERATORS = Set.of("Equal", "Exists");
    private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    /** Labels the driver sets itself; the spec may not set them, or pods could be taken for another app's. */
    static final Set<String> RESERVED_LABELS = Set.of("app.kubernetes.io/name", "app.kubernetes.io/version",
            "app.kubernetes.io/managed-by", "baton.dev/instance");
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:@{}-]*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** A label or annotation key: an optional DNS-subdomain prefix and a name of 1-63 characters. */
    private static final Pattern KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern QUANTITY = Pattern.compile("\\d+(\\.\\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");
    /** Longer than Kubernetes' own 300 s default has no use: the app would stay short of capacity for an hour. */
    private static final Duration MAX_NODE_LOSS_TOLERATION = Duration.ofHours(1);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

    private final SpecReader r;

    KubernetesSpecParser(SpecReader r) {
        this.r = r;
    }

    /** The section, or null when the spec has none (or it is too broken to use; the errors say why). */
    KubernetesSpec parse(JsonNode root, String app) {
        JsonNode n = r.object(root, "kubernetes", "kubernetes");
        if (n == null) {
            return null;
        }
        int before = r.errors().size();
        r.allowOnly(n, "kubernetes", FIELDS, "");
        String image = r.string(n, "image", "kubernetes.image", true);
        if (image != null && !IMAGE.matcher(image).matches()) {
            r.error("kubernetes.image", "must be an image reference such as registry.example.com/shop:{version} "
                    + "(lowercase name, no spaces), got '" + image + "'");
        }
        if (image != null) {
            var m = PLACEHOLDER.matcher(image);
            while (m.find()) {
                if (!m.group(1).equals("version")) {
                    r.error("kubernetes.image", "unknown placeholder {" + m.group(1) + "}; allowed: {version}");
                }
            }
        }
        String namespace = name(n, "namespace", DNS_LABEL, "a DNS label (1-63 lowercase letters, digits or '-')");
        Integer port = r.integer(n, "container_port", "kubernetes.container_port", 1, 65535);
        String account = name(n, "service_account", DNS_SUBDOMAIN, "a service account name (lowercase DNS subdomain)");
        String secret = name(n, "database_secret", DNS_SUBDOMAIN, "a Secret name (lowercase DNS subdomain)");
        Duration preStop = r.duration(n, "pre_stop", "kubernetes.pre_stop");
        if (preStop != null && preStop.compareTo(Duration.ofMinutes(5)) > 0) {
            r.error("kubernetes.pre_stop", "must be 0s..5m, got " + Durations.format(preStop));
        }
        Duration nodeLoss = r.duration(n, "node_loss_toleration", "kubernetes.node_loss_toleration");
        if (nodeLoss != null && nodeLoss.compareTo(MAX_NODE_LOSS_TOLERATION) > 0) {
            r.error("kubernetes.node_loss_toleration", "must be 0s..1h (how long pods stay on a NotReady or "
                    + "unreachable node before they are evicted), got " + Durations.format(nodeLoss));
        }
        List<String> pullSecrets = names(n.get("image_pull_secrets"), "kubernetes.image_pull_secrets");
        Map<String, String> selector = labels(n, "node_selector", false);
        Map<String, String> labels = labels(n, "labels", false);
        Map<String, String> annotations = labels(n, "annotations", true);
        for (String k : labels.keySet()) {
            if (RESERVED_LABELS.contains(k)) {
                r.error("kubernetes.labels." + k, "set by Baton on every pod; remove it");
            }
        }
        List<KubernetesSpec.Toleration> tolerations = tolerations(n.get("tolerations"));
        Map<String, String> requests = Map.of();
        Map<String, String> limits = Map.of();
        JsonNode res = r.object(n, "resources", "kubernetes.resources");
        if (res != null) {
            r.allowOnly(res, "kubernetes.resources", RESOURCES, "");
            requests = quantities(res, "requests");
            limits = quantities(res, "limits");
        }
        if (r.errors().size() > before || image == null) {
            return null;
        }
        return new KubernetesSpec(image, namespace, port == null ? KubernetesSpec.DEFAULT_CONTAINER_PORT : port, account,
                pullSecrets, selector, tolerations, labels, annotations, requests, limits,
                secret == null ? app + "-database" : secret, preStop == null ? Duration.ZERO : preStop, nodeLoss);
    }

    private String name(JsonNode n, String field, Pattern allowed, String what) {
        String v = r.string(n, field, "kubernetes." + field, false);
        if (v != null && !allowed.matcher(v).matches()) {
            r.error("kubernetes." + field, "must be " + what + ", got '" + v + "'");
            return null;
        }
        return v;
    }

    private List<String> names(JsonNode list, String path) {
        List<String> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            r.error(path, "must be a list of Secret names, got " + SpecReader.describe(list));
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            if (!s.isTextual() || !DNS_SUBDOMAIN.matcher(s.asText()).matches()) {
                r.error(path + "[" + i + "]", "must be a Secret name (lowercase DNS subdomain), got "
                        + SpecReader.describe(s));
            } else {
                out.add(s.asText());
            }
        }
        return out;
    }

    /** Labels (values are label values) or annotations (any text). */
    private Map<String, String> labels(JsonNode n, String field, boolean anyValue) {
        String path = "kubernetes." + field;
        JsonNode m = r.object(n, field, path);
        Map<String, String> out = new LinkedHashMap<>();
        if (m == null) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path + "." + e.getKey();
            if (!KEY.matcher(e.getKey()).matches()) {
                r.error(p, "not a valid key; allowed: [prefix/]name, the name 1-63 letters, digits, '-', '_' or '.'");
            } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                r.error(p, "must be a text value, got " + SpecReader.describe(e.getValue()));
            } else if (!anyValue && !LABEL_VALUE.matcher(e.getValue().asText()).matches()) {
                r.error(p, "must be a label value (at most 63 letters, digits, '-', '_' or '.'), got '"
                        + e.getValue().asText() + "'");
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    private Map<String, String> quantities(JsonNode res, String field) {
        String path = "kubernetes.resources." + field;
        JsonNode m = r.object(res, field, path);
        Map<String, String> out = new LinkedHashMap<>();
        if (m == null) {
            return out;
        }
        r.allowOnly(m, path, RESOURCE_NAMES, "");
        for (String name : RESOURCE_NAMES) {
            String q = r.string(m, name, path + "." + name, false);
            if (q != null && !QUANTITY.matcher(q).matches()) {
                r.error(path + "." + name, "must be a quantity such as 500m, 1, 256Mi or 1Gi, got '" + q + "'");
            } else if (q != null) {
                out.put(name, q);
            }
        }
        return out;
    }

    private List<KubernetesSpec.Toleration> tolerations(JsonNode list) {
        String path = "kubernetes.tolerations";
        List<KubernetesSpec.Toleration> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            r.error(path, "must be a list of {key, operator, value, effect, seconds}, got " + SpecReader.describe(list));
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode t = list.get(i);
            if (!t.isObject()) {
                r.error(p, "must be a mapping {key, operator, value, effect, seconds}, got " + SpecReader.describe(t));
                continue;
            }
            r.allowOnly(t, p, TOLERATION, "");
            String key = r.string(t, "key", p + ".key", false);
            String op = r.string(t, "operator", p + ".operator", false);
            String value = r.string(t, "value", p + ".value", false);
            String effect = r.string(t, "effect", p + ".effect", false);
            Integer seconds = r.integer(t, "seconds", p + ".seconds", 0, 86_400 * 365);
            if (op != null && !OPERATORS.contains(op)) {
                r.error(p + ".operator", "must be Equal or Exists, got '" + op + "'");
            }
            if (effect != null && !EFFECTS.contains(effect)) {
                r.error(p + ".effect", "must be NoSchedule, PreferNoSchedule or NoExecute, got '" + effect + "'");
            }
            if ("Exists".equals(op) && value != null) {
                r.error(p + ".value", "must be absent with operator Exists");
            }
            if (seconds != null && !"NoExecute".equals(effect)) {
                r.error(p + ".seconds", "only applies to effect NoExecute");
            }
            out.add(new KubernetesSpec.Toleration(key, op == null ? "Equal" : op, value, effect,
                    seconds == null ? null : seconds.longValue()));
        }
        return out;
    }
}
