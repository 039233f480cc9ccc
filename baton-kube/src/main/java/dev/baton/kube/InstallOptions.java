package dev.baton.kube;

import dev.baton.rollout.KubernetesSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code baton kube install} needs besides the app spec. Validated here, so a bad value is refused before
 * anything is rendered, with a message that starts with the option's name.
 *
 * @param namespace the namespace of the control plane, the proxies and the app's pods
 * @param image Baton's own image (the {@code baton} command line; {@code baton proxy} runs the proxy)
 * @param serviceType how the proxies' Service is reached
 * @param proxyReplicas proxy replicas, at least 2: a single proxy is a single point of failure
 * @param controlPlaneReplicas control plane replicas: one leads, the others stand by
 * @param databaseSecret the Secret whose key {@value KubeOptions#DATABASE_SECRET_KEY} holds {@code BATON_DATABASE_URL}
 * @param podNetwork whether each pod has a network of its own (a real kubelet) or all pods of a node share the host's
 * @param placement which nodes Baton's own pods (control plane, proxies) may run on
 */
public record InstallOptions(String namespace, String image, ServiceType serviceType, int proxyReplicas,
                             int controlPlaneReplicas, String databaseSecret, PodNetwork podNetwork,
                             Placement placement) {
    /** The image when none is given. */
    public static final String DEFAULT_IMAGE = "baton:0.1.0";
    /** The REST API's port, on the control plane pod's loopback only (reached through a port-forward). */
    public static final int API_PORT = 7070;
    /** The proxies' admin port: on the pod's address, for the control plane's pushes (bearer token) and readiness. */
    public static final int PROXY_ADMIN_PORT = 9901;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** The proxies' Service type. */
    public enum ServiceType {
        ClusterIP, NodePort, LoadBalancer;

        /** @throws IllegalArgumentException starting with {@code service-type:} */
        public static ServiceType parse(String text) {
            return Arrays.stream(values()).filter(t -> t.name().equalsIgnoreCase(text)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("service-type: must be ClusterIP, NodePort or "
                            + "LoadBalancer, got '" + text + "'"));
        }
    }

    /**
     * How the pods' network looks from inside, which decides what the control plane and the proxies bind.
     */
    public enum PodNetwork {
        /** Each pod has its own network namespace (every real kubelet): the proxy binds all of its interfaces, the
         * control plane's REST API the pod's loopback on {@value #API_PORT}. */
        ISOLATED,
        /** The pods of a node share the host's network, each with an address of its own (the test cluster's node
         * agent): the proxy binds its pod IP (from the downward API), and so does the control plane's REST API, on
         * {@value #API_PORT} (the pod IPs of such a host are loopback addresses), where a port-forward reaches it. */
        SHARED_HOST
    }

    /**
     * Where Baton's own pods may run: the node labels they need ({@code nodeSelector}) and the taints they tolerate.
     * {@link #ANYWHERE} by default.
     */
    public record Placement(Map<String, String> nodeSelector, List<KubernetesSpec.Toleration> tolerations) {
        /** Any node the scheduler picks. */
        public static final Placement ANYWHERE = new Placement(Map.of(), List.of());

        public Placement {
            nodeSelector = Map.copyOf(nodeSelector);
            tolerations = List.copyOf(tolerations);
        }

        /** Only nodes labelled {@code key=value}, tolerating their taint {@code key=value:NoSchedule}. */
        public static Placement dedicated(String key, String value) {
            return new Placement(Map.of(key, value),
                    List.of(new KubernetesSpec.Toleration(key, "Equal", value, "NoSchedule", null)));
        }
    }

    /** An install for pods with a network of their own ({@link PodNetwork#ISOLATED}), on any node. */
    public InstallOptions(String namespace, String image, ServiceType serviceType, int proxyReplicas,
                          int controlPlaneReplicas, String databaseSecret) {
        this(namespace, image, serviceType, proxyReplicas, controlPlaneReplicas, databaseSecret, PodNetwork.ISOLATED,
                Placement.ANYWHERE);
    }

    public InstallOptions {
        if (placement == null) {
            throw new IllegalArgumentException("placement: required (Placement.ANYWHERE for any node)");
        }
        if (podNetwork == null) {
            throw new IllegalArgumentException("pod-network: must be ISOLATED or SHARED_HOST");
        }
        if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace: must be a DNS label (1-63 lowercase letters, digits or '-', "
                    + "starting and ending with a letter or digit), got '" + namespace + "'");
        }
        ImageName.parse(image);
        if (serviceType == null) {
            throw new IllegalArgumentException("service-type: must be ClusterIP, NodePort or LoadBalancer");
        }
        if (proxyReplicas < 2 || proxyReplicas > 100) {
            throw new IllegalArgumentException("proxy-replicas: must be 2..100 (one proxy is a single point of "
                    + "failure), got " + proxyReplicas);
        }
        if (controlPlaneReplicas < 1 || controlPlaneReplicas > 5) {
            throw new IllegalArgumentException("control-plane-replicas: must be 1..5, got " + controlPlaneReplicas);
        }
        if (databaseSecret == null || !DNS_SUBDOMAIN.matcher(databaseSecret).matches()) {
            throw new IllegalArgumentException("database-secret: must be a Secret name (lowercase DNS subdomain), got '"
                    + databaseSecret + "'");
        }
    }

    /** The defaults for an app in a namespace: the default image, ClusterIP, 2 proxies, 2 control planes. */
    public static InstallOptions of(String app, String namespace) {
        return new InstallOptions(namespace, DEFAULT_IMAGE, ServiceType.ClusterIP, 2, 2, app + "-database");
    }

    public InstallOptions withImage(String i) {
        return new InstallOptions(namespace, i, serviceType, proxyReplicas, controlPlaneReplicas, databaseSecret,
                podNetwork, placement);
    }

    public InstallOptions withServiceType(ServiceType t) {
        return new InstallOptions(namespace, image, t, proxyReplicas, controlPlaneReplicas, databaseSecret, podNetwork,
                placement);
    }

    public InstallOptions withProxyReplicas(int n) {
        return new InstallOptions(namespace, image, serviceType, n, controlPlaneReplicas, databaseSecret, podNetwork,
                placement);
    }

    public InstallOptions withPodNetwork(PodNetwork n) {
        return new InstallOptions(namespace, image, serviceType, proxyReplicas, controlPlaneReplicas, databaseSecret, n,
                placement);
    }

    public InstallOptions withPlacement(Placement p) {
        return new InstallOptions(namespace, image, serviceType, proxyReplicas, controlPlaneReplicas, databaseSecret,
                podNetwork, p);
    }
}
