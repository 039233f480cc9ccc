package dev.baton.server;

import dev.baton.rollout.AppSpec;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The cluster {@code baton up --kubernetes} drives: a kubeconfig (else {@code KUBECONFIG} or {@code ~/.kube/config}),
 * a context in it (else its current one) and a namespace that overrides the spec's {@code kubernetes.namespace}.
 */
public record KubeTarget(Path kubeconfig, String context, String namespace) {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public KubeTarget {
        if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
            throw new IllegalArgumentException("--kubeconfig: cannot read " + kubeconfig);
        }
        if (context != null && context.isBlank()) {
            throw new IllegalArgumentException("--context: must name a context of the kubeconfig");
        }
        if (namespace != null) {
            namespace("--namespace", namespace);
        }
    }

    /**
     * {@code value} when it is a namespace's name (a DNS label).
     *
     * @throws IllegalArgumentException naming {@code option} otherwise
     */
    static String namespace(String option, String value) {
        if (!DNS_LABEL.matcher(value).matches()) {
            throw new IllegalArgumentException(option + ": must be a DNS label (1-63 lowercase letters, digits or '-', "
                    + "starting and ending with a letter or digit), got '" + value + "'");
        }
        return value;
    }

    /** A client for the cluster; nothing is requested yet. */
    KubernetesClient connect() {
        Config config = kubeconfig != null ? Config.fromKubeconfig(context, kubeconfig.toFile())
                : Config.autoConfigure(context);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * The spec as it runs on this cluster: its {@code kubernetes} section with the namespace given here.
     *
     * @throws IllegalArgumentException when the spec has no {@code kubernetes} section
     */
    AppSpec apply(AppSpec spec) {
        if (spec.kubernetes() == null) {
            throw new IllegalArgumentException("kubernetes: the spec needs a kubernetes section (at least "
                    + "kubernetes.image, e.g. registry.example.com/" + spec.app() + ":{version}) to run with --kubernetes");
        }
        return namespace == null ? spec : spec.withKubernetes(spec.kubernetes().withNamespace(namespace));
    }
}
