package dev.baton.server;

import dev.baton.kube.InstallManifests;
import dev.baton.kube.InstallOptions;
import dev.baton.kube.InstallTokens;
import dev.baton.kube.Installer;
import dev.baton.kube.KubeVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton kube install SPEC}: everything Baton needs in a namespace to run the app from inside the cluster
 * ({@link InstallManifests}). Without {@code --apply} it prints the manifests (with fresh tokens in their Secret) and
 * contacts no cluster; with it, it applies them to the kubeconfig's cluster, written for that cluster's version, and
 * prints one line per object (with {@code --json}, one JSON document).
 */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = "Baton's control plane and proxies for the spec, in a namespace: print them, or --apply them.")
final class KubeInstallCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Parameters(paramLabel = "SPEC", description = "The app spec (YAML), with a kubernetes section.")
    Path specFile;

    @Option(names = "--namespace", description = "Namespace of the control plane, the proxies and the app's pods; "
            + "default the spec's kubernetes.namespace, else the app's name.")
    String namespace;

    @Option(names = "--image", defaultValue = InstallOptions.DEFAULT_IMAGE,
            description = "Baton's image (runs 'baton up' and 'baton proxy'); default ${DEFAULT-VALUE}.")
    String image;

    @Option(names = "--service-type", defaultValue = "ClusterIP",
            description = "The proxies' Service: ClusterIP, NodePort or LoadBalancer; default ${DEFAULT-VALUE}.")
    String serviceType;

    @Option(names = "--proxy-replicas", defaultValue = "2", description = "Proxy replicas, 2..100; default ${DEFAULT-VALUE}.")
    int proxyReplicas;

    @Option(names = "--control-plane-replicas", defaultValue = "2",
            description = "Control plane replicas (one leads), 1..5; default ${DEFAULT-VALUE}.")
    int controlPlaneReplicas;

    @Option(names = "--database-secret", description = "Secret with key 'url' for BATON_DATABASE_URL; default the "
            + "spec's kubernetes.database_secret.")
    String databaseSecret;

    @Option(names = "--kube-version", defaultValue = "1.30", description = "Without --apply: the cluster's Kubernetes "
            + "version MAJOR.MINOR the manifests are written for; default ${DEFAULT-VALUE} (--apply asks the cluster).")
    String kubeVersion;

    @Option(names = "--apply", description = "Apply to the cluster (server-side apply) instead of printing.")
    boolean apply;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "With --apply: the kubeconfig (default: $KUBECONFIG or ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", description = "With --apply: the kubeconfig context (default: its current one).")
    String context;

    @Option(names = "--json", description = "With --apply: one JSON document on standard output.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(specFile)) {
            throw usage("SPEC: no such file " + specFile);
        }
        String text = Files.readString(specFile);
        SpecFile file = SpecFile.parse(text);
        String app = file.spec().app();
        var k = file.spec().kubernetes();
        InstallOptions options;
        KubeVersion kube;
        try {
            if (!apply && (kubeconfig != null || context != null || json)) {
                throw new IllegalArgumentException("--kubeconfig, --context and --json: only with --apply");
            }
            options = new InstallOptions(
                    namespace != null ? namespace : k != null && k.namespace() != null ? k.namespace() : app,
                    image, InstallOptions.ServiceType.parse(serviceType), proxyReplicas, controlPlaneReplicas,
                    databaseSecret != null ? databaseSecret : k != null ? k.databaseSecret() : app + "-database");
            kube = KubeVersion.parse(kubeVersion);
            InstallManifests.render(file.spec(), text, options, kube, InstallTokens.generate()); // refuses a bad spec
        } catch (IllegalArgumentException e) {
            throw usage(optionName(e.getMessage()));
        }
        PrintWriter out = cmd.commandLine().getOut();
        if (!apply) {
            out.print(InstallManifests.render(file.spec(), text, options, kube, InstallTokens.generate()));
            out.flush();
            return 0;
        }
        List<Installer.Applied> applied;
        try (KubernetesClient client = target().connect()) {
            applied = Installer.apply(client, file.spec(), text, options, InstallTokens.generate());
        } catch (Installer.Refused e) {
            throw new ApiException(409, e.getMessage());
        } catch (KubernetesClientException e) {
            throw new ApiException(409, "kube install: cannot reach the cluster: " + e.getMessage());
        }
        if (json) {
            List<Map<String, Object>> objects = applied.stream().map(a -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("action", a.action().name().toLowerCase(java.util.Locale.ROOT));
                m.put("kind", a.kind());
                m.put("namespace", a.namespace());
                m.put("name", a.name());
                m.put("note", a.note());
                return m;
            }).toList();
            out.println(Json.write(Map.of("namespace", options.namespace(), "objects", objects)));
        } else {
            applied.forEach(a -> out.println(a.line()));
        }
        out.flush();
        return 0;
    }

    private KubeTarget target() {
        try {
            return new KubeTarget(kubeconfig, context, null);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(cmd.commandLine(), message);
    }

    /** Options' own messages start with their name ({@code namespace: ...}); say it as typed ({@code --namespace}). */
    private static String optionName(String message) {
        for (String o : new String[] {"image", "namespace", "service-type", "proxy-replicas", "control-plane-replicas",
                "database-secret", "kube-version"}) {
            if (message.startsWith(o + ":")) {
                return "--" + message;
            }
        }
        return message;
    }
}
