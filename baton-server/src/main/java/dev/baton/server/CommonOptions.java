package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options every client command takes: where the control plane is ({@code .baton}, or an install in a Kubernetes
 * namespace reached through a port-forward), and {@code --json} for scripts.
 */
final class CommonOptions implements AutoCloseable {
    /** The environment variable that stands for {@code --kube-namespace}. */
    static final String KUBE_NAMESPACE_ENV = "BATON_KUBE_NAMESPACE";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--home", description = "The .baton directory (default: $BATON_HOME or ./.baton).")
    Path home;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--json", description = "Print JSON only on standard output (for scripts).")
    boolean json;

    @Option(names = "--kube-namespace", paramLabel = "NS", description = "Talk to the control plane 'baton kube "
            + "install' put in namespace NS, through a port-forward made by the Kubernetes API, with the token from "
            + "its Secret (default: $" + KUBE_NAMESPACE_ENV + "; --home is not used then).")
    String kubeNamespace;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "With --kube-namespace: the kubeconfig (default: $KUBECONFIG or ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", description = "With --kube-namespace: the kubeconfig context (default: its current one).")
    String context;

    private InstalledApi forward;

    BatonHome home() {
        return home != null ? new BatonHome(home) : BatonHome.fromEnvironment();
    }

    /** The namespace of the install to reach ({@code --kube-namespace}, else the environment), or null. */
    String kubeNamespace() {
        String ns = kubeNamespace != null ? kubeNamespace : System.getenv(KUBE_NAMESPACE_ENV);
        return ns == null || ns.isBlank() ? null : ns;
    }

    /**
     * A client of this home's control plane, or of the install in {@link #kubeNamespace()} (one port-forward per
     * command, closed by {@link #close()}).
     */
    BatonClient client() {
        String ns = kubeNamespace();
        if (ns == null) {
            if (kubeconfig != null || context != null) {
                throw new ParameterException(spec.commandLine(), "--kubeconfig and --context: only with "
                        + "--kube-namespace (or $" + KUBE_NAMESPACE_ENV + ")");
            }
            return new BatonClient(home());
        }
        if (forward == null) {
            KubeTarget cluster;
            try {
                KubeTarget.namespace(kubeNamespace != null ? "--kube-namespace" : "$" + KUBE_NAMESPACE_ENV, ns);
                cluster = new KubeTarget(kubeconfig, context, null);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            forward = InstalledApi.open(cluster, ns);
        }
        return new BatonClient(forward);
    }

    /** Ends the port-forward, if this command opened one. */
    @Override
    public void close() {
        if (forward != null) {
            forward.close();
            forward = null;
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code node} as JSON on standard output. */
    void printJson(JsonNode node) {
        out().println(node.toString());
        out().flush();
    }

    /** Progress for humans: standard output, or standard error with {@code --json}. */
    PrintWriter progress() {
        return json ? err() : out();
    }
}
