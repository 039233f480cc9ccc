package dev.baton.kube;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What the Kubernetes manifests need besides the app spec. Validated here, so a bad value is refused before
 * anything is rendered, with a message that starts with the option's name.
 *
 * @param image the container image, e.g. {@code registry.example.com/shop:v42}
 * @param namespace the namespace to put every object in, or null to leave it to {@code kubectl -n}
 * @param version the version the pods report ({@code BATON_VERSION}), or null for the image's tag
 * @param databaseSecret the Secret whose key {@value #DATABASE_SECRET_KEY} holds {@code BATON_DATABASE_URL}
 * @param preStop how long a terminating pod keeps serving before SIGTERM, so every proxy has stopped routing
 *                to it (the endpoint-propagation race); zero for pods that take no traffic
 */
public record KubeOptions(String image, String namespace, String version, String databaseSecret, Duration preStop) {
    /** The Secret key read for the database URL. */
    public static final String DATABASE_SECRET_KEY = "url";
    /** The default preStop: kube-proxy and common ingress controllers catch up with endpoint removal within it. */
    public static final Duration DEFAULT_PRE_STOP = Duration.ofSeconds(10);
    /** Longer than this is not a propagation delay any more but a misconfiguration. */
    public static final Duration MAX_PRE_STOP = Duration.ofMinutes(5);

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    public KubeOptions {
        ImageName parsed = ImageName.parse(image);
        if (version == null && !LABEL_VALUE.matcher(parsed.version()).matches()) {
            throw new IllegalArgumentException("version: the image's tag '" + parsed.version() + "' cannot be a label "
                    + "value (at most 63 characters, starting and ending with a letter or digit); set the version");
        }
        if (namespace != null && !DNS_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace: must be a DNS label (1-63 lowercase letters, digits or '-', "
                    + "starting and ending with a letter or digit), got '" + namespace + "'");
        }
        if (version != null && !LABEL_VALUE.matcher(version).matches()) {
            throw new IllegalArgumentException("version: must be a label value (1-63 letters, digits, '-', '_' or "
                    + "'.', starting and ending with a letter or digit), got '" + version + "'");
        }
        if (databaseSecret == null || !DNS_SUBDOMAIN.matcher(databaseSecret).matches()) {
            throw new IllegalArgumentException("database-secret: must be a Secret name (lowercase DNS subdomain), got '"
                    + databaseSecret + "'");
        }
        if (preStop == null || preStop.isNegative() || preStop.compareTo(MAX_PRE_STOP) > 0) {
            throw new IllegalArgumentException("pre-stop: must be a duration 0s..5m, got " + preStop);
        }
    }

    /** Options for an image, everything else defaulted: no namespace, the image's tag, Secret {@code <app>-database}. */
    public static KubeOptions of(String app, String image) {
        return new KubeOptions(image, null, null, app + "-database", DEFAULT_PRE_STOP);
    }

    public KubeOptions withNamespace(String ns) {
        return new KubeOptions(image, ns, version, databaseSecret, preStop);
    }

    public KubeOptions withVersion(String v) {
        return new KubeOptions(image, namespace, v, databaseSecret, preStop);
    }

    public KubeOptions withPreStop(Duration d) {
        return new KubeOptions(image, namespace, version, databaseSecret, d);
    }

    /** The version the pods report: {@link #version()} if set, else the image's tag (or digest, or {@code latest}). */
    public String effectiveVersion() {
        return version != null ? version : ImageName.parse(image).version();
    }
}
