package dev.baton.rollout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How instances run as Pods when Baton drives a Kubernetes cluster (the spec's {@code kubernetes:} section; absent
 * for local processes). Validated by {@link KubernetesSpecParser}, which names each bad field.
 *
 * @param image          the container image, {@code {version}} filled in per version ({@code registry/shop:{version}})
 * @param namespace      where the pods go, or null for the kubeconfig's namespace
 * @param containerPort  the port the app listens on inside its pod ({@code {port}}, {@code PORT}); every pod has its
 *                       own IP, so every pod uses the same port
 * @param serviceAccount the pods' service account, or null for the namespace's default
 * @param imagePullSecrets Secrets for pulling the image
 * @param nodeSelector   node labels a pod must land on
 * @param tolerations    taints the pods tolerate
 * @param labels         extra pod labels (never the ones Baton sets)
 * @param annotations    extra pod annotations
 * @param requests       resource requests ({@code cpu}, {@code memory}, {@code ephemeral-storage}) as quantities
 * @param limits         resource limits, likewise
 * @param databaseSecret the Secret whose key {@code url} holds {@code BATON_DATABASE_URL}
 * @param preStop        how long a deleted pod keeps serving before SIGTERM; 0 (the default) since Baton's proxy has
 *                       already stopped routing to it, raise it only for traffic that bypasses Baton's proxy
 * @param nodeLossToleration how long a pod stays bound to a node that is NotReady or unreachable before it is
 *                       evicted ({@code tolerationSeconds} of the {@code node.kubernetes.io/not-ready} and
 *                       {@code unreachable} NoExecute taints); {@link #DEFAULT_NODE_LOSS_TOLERATION} unless set
 */
public record KubernetesSpec(String image, String namespace, int containerPort, String serviceAccount,
                             List<String> imagePullSecrets, Map<String, String> nodeSelector,
                             List<Toleration> tolerations, Map<String, String> labels, Map<String, String> annotations,
                             Map<String, String> requests, Map<String, String> limits, String databaseSecret,
                             Duration preStop, Duration nodeLossToleration) {
    public static final int DEFAULT_CONTAINER_PORT = 8080;
    /**
     * 30 s instead of Kubernetes' 300 s: that default suits pods that keep local state and would rather wait out a
     * network blip than move; a Baton instance keeps none (its jobs come back through their leases), Baton's proxy
     * stops sending it requests as soon as it stops answering, and the eviction is what starts its replacement, so a
     * long toleration only keeps the app short of capacity. Counted after the node controller's own grace period (40 s
     * by default), so a node must be silent for over a minute before its pods move.
     */
    public static final Duration DEFAULT_NODE_LOSS_TOLERATION = Duration.ofSeconds(30);

    public KubernetesSpec {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("kubernetes.image: required, e.g. registry.example.com/shop:{version}");
        }
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("kubernetes.container_port: must be 1..65535, got " + containerPort);
        }
        if (databaseSecret == null || databaseSecret.isBlank()) {
            throw new IllegalArgumentException("kubernetes.database_secret: must be a Secret name");
        }
        if (preStop == null || preStop.isNegative()) {
            throw new IllegalArgumentException("kubernetes.pre_stop: must be a duration >= 0, got " + preStop);
        }
        if (nodeLossToleration == null) {
            nodeLossToleration = DEFAULT_NODE_LOSS_TOLERATION;
        }
        if (nodeLossToleration.isNegative()) {
            throw new IllegalArgumentException("kubernetes.node_loss_toleration: must be a duration >= 0, got "
                    + nodeLossToleration);
        }
        imagePullSecrets = List.copyOf(imagePullSecrets == null ? List.of() : imagePullSecrets);
        tolerations = List.copyOf(tolerations == null ? List.of() : tolerations);
        nodeSelector = sorted(nodeSelector);
        labels = sorted(labels);
        annotations = sorted(annotations);
        requests = sorted(requests);
        limits = sorted(limits);
    }

    /** Only an image: every other field defaulted ({@code <app>-database}, port 8080, no preStop). */
    public static KubernetesSpec of(String app, String image) {
        return new KubernetesSpec(image, null, DEFAULT_CONTAINER_PORT, null, List.of(), Map.of(), List.of(), Map.of(),
                Map.of(), Map.of(), Map.of(), app + "-database", Duration.ZERO, DEFAULT_NODE_LOSS_TOLERATION);
    }

    /** The image of one version: {@code {version}} in the template replaced. */
    public String image(String version) {
        return image.replace("{version}", version);
    }

    public KubernetesSpec withNamespace(String ns) {
        return new KubernetesSpec(image, ns, containerPort, serviceAccount, imagePullSecrets, nodeSelector, tolerations,
                labels, annotations, requests, limits, databaseSecret, preStop, nodeLossToleration);
    }

    public KubernetesSpec withPreStop(Duration d) {
        return new KubernetesSpec(image, namespace, containerPort, serviceAccount, imagePullSecrets, nodeSelector,
                tolerations, labels, annotations, requests, limits, databaseSecret, d, nodeLossToleration);
    }

    private static Map<String, String> sorted(Map<String, String> m) {
        return Map.copyOf(new TreeMap<>(m == null ? Map.of() : m));
    }

    /**
     * A taint the pods tolerate, as the Kubernetes API spells it.
     *
     * @param operator {@code Equal} or {@code Exists}
     * @param effect   {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute}, or null for all
     * @param seconds  for {@code NoExecute}: how long the pod stays after the taint appears, or null for ever
     */
    public record Toleration(String key, String operator, String value, String effect, Long seconds) {}
}
