package dev.baton.server;

import dev.baton.common.Durations;
import dev.baton.kube.KubeManifests;
import dev.baton.kube.KubeOptions;
import dev.baton.kube.KubeVersion;
import dev.baton.kube.RbacManifests;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton kube render [spec.yaml]}: prints the app's Kubernetes manifests (Deployment, Service,
 * PodDisruptionBudget) to standard output, nothing else, so it can be piped to {@code kubectl apply -f -};
 * with {@code --rbac}, the ServiceAccount, Role and RoleBinding {@code baton up --kubernetes} needs instead.
 * Bad options or specs go to standard error with exit code 2. Contacts no cluster.
 */
@Command(name = "kube", mixinStandardHelpOptions = true, description = "Kubernetes manifests for the app.",
        subcommands = {KubeCommand.Render.class, KubeInstallCommand.class})
final class KubeCommand {

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Print a Deployment, Service and PodDisruptionBudget for the spec to standard output.")
    static final class Render implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Parameters(arity = "0..1", paramLabel = "SPEC", defaultValue = "baton.yaml",
                description = "The app spec (YAML); default ${DEFAULT-VALUE}.")
        Path specFile;

        @Option(names = "--image", description = "Container image; default <app>:<the spec's version, or latest>.")
        String image;

        @Option(names = "--namespace", description = "Namespace for every object; default none (kubectl -n decides).")
        String namespace;

        @Option(names = "--version", description = "BATON_VERSION of the pods; default the image's tag.")
        String version;

        @Option(names = "--database-secret", description = "Secret with key 'url' for BATON_DATABASE_URL; "
                + "default <app>-database.")
        String databaseSecret;

        @Option(names = "--pre-stop", defaultValue = "10s",
                description = "How long a terminating pod keeps serving before SIGTERM; default ${DEFAULT-VALUE}.")
        String preStop;

        @Option(names = "--kube-version", defaultValue = "1.30", description = "The cluster's Kubernetes version "
                + "MAJOR.MINOR: fields it would drop are written the way it understands (policy/v1beta1 before 1.21, "
                + "an exec preStop before 1.30); default ${DEFAULT-VALUE}.")
        String kubeVersion;

        @Option(names = "--rbac", description = "Print instead the ServiceAccount, Role and RoleBinding that "
                + "'baton up --kubernetes' needs in the pods' namespace.")
        boolean rbac;

        @Override
        public Integer call() throws IOException {
            SpecFile file;
            try {
                file = SpecFile.load(specFile);
            } catch (NoSuchFileException e) {
                throw new CommandLine.ParameterException(cmd.commandLine(), "SPEC: no such file " + specFile);
            }
            String app = file.spec().app();
            if (rbac) {
                var k = file.spec().kubernetes();
                String secret = databaseSecret != null ? databaseSecret : k != null ? k.databaseSecret() : app + "-database";
                try {
                    new KubeTarget(null, null, namespace);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cmd.commandLine(), e.getMessage());
                }
                cmd.commandLine().getOut().print(RbacManifests.render(file.spec(),
                        namespace != null ? namespace : k != null ? k.namespace() : null, secret));
                cmd.commandLine().getOut().flush();
                return 0;
            }
            String manifests;
            try {
                KubeOptions options = new KubeOptions(
                        image != null ? image : app + ":" + (file.version() != null ? file.version() : "latest"),
                        namespace, version, databaseSecret != null ? databaseSecret : app + "-database",
                        Durations.parse(preStop));
                manifests = KubeManifests.render(file.spec(), options, KubeVersion.parse(kubeVersion));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd.commandLine(), optionName(e.getMessage()));
            }
            cmd.commandLine().getOut().print(manifests);
            cmd.commandLine().getOut().flush();
            return 0;
        }

        /** Options' own messages start with their name ({@code image: ...}); say it as typed ({@code --image}). */
        private static String optionName(String message) {
            for (String o : new String[] {"image", "namespace", "version", "database-secret", "pre-stop", "kube-version"}) {
                if (message.startsWith(o + ":")) {
                    return "--" + message;
                }
            }
            return message.startsWith("not a duration") ? "--pre-stop: " + message : message;
        }
    }
}
