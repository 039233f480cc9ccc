package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes CI can rely on, for the cases that need no control plane. */
class CliExitCodesTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return BatonCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void commandsWithoutARunningControlPlaneExitWithThreeAndSaySo() {
        int code = run("status", "--home", dir.resolve(".baton").toString());

        assertThat(code).isEqualTo(BatonCommand.EXIT_UNREACHABLE);
        assertThat(err.toString()).contains("no control plane has run in").contains("baton up");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void badUsageExitsWithTwo() {
        assertThat(run("deploy")).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("Missing required parameter: 'VERSION'");
        assertThat(run("frobnicate")).isEqualTo(BatonCommand.EXIT_USAGE);
    }

    @Test
    void deployWithAnUnknownStrategyIsRefusedNamingTheField() {
        int code = run("deploy", "v2", "--strategy", "big-bang", "--home", dir.resolve(".baton").toString());

        assertThat(code).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("strategy: must be one of rolling, blue-green, canary");
    }

    @Test
    void kubernetesOptionsWithoutKubernetesAreAUsageErrorNamingThem() {
        int code = run("up", "--namespace", "shop", "--home", dir.resolve(".baton").toString());

        assertThat(code).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--kubeconfig, --context and --namespace: only with --kubernetes")
                .doesNotContain("\tat ");
    }

    @Test
    void aProxyFleetOtherThanLocalOrKubernetesOrWithoutKubernetesIsAUsageErrorNamingIt() {
        int code = run("up", "--proxy-fleet", "cloud", "--home", dir.resolve(".baton").toString());

        assertThat(code).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--proxy-fleet: must be local or kubernetes, got 'cloud'")
                .doesNotContain("\tat ");

        code = run("up", "--proxy-fleet", "kubernetes", "--home", dir.resolve(".baton").toString());
        assertThat(code).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--proxy-fleet kubernetes: only with --kubernetes").doesNotContain("\tat ");
    }

    @Test
    void upOnKubernetesWithASpecWithoutAKubernetesSectionSaysWhatItNeeds() throws Exception {
        Path spec = java.nio.file.Files.writeString(dir.resolve("shop.yaml"), "app: shop\nrun: ./shop --port {port}\n");

        int code = run("up", spec.toString(), "--kubernetes", "--namespace", "Not_A_Label", "--home",
                dir.resolve(".baton").toString());
        assertThat(code).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--namespace: must be a DNS label").doesNotContain("\tat ");

        code = run("up", spec.toString(), "--kubernetes", "--home", dir.resolve(".baton").toString());
        assertThat(code).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("kubernetes: the spec needs a kubernetes section (at least kubernetes.image");
    }
    @Test
    void anApiHostThatIsNotALoopbackAddressIsAUsageErrorNamingIt() {
        for (String host : List.of("0.0.0.0", "10.1.2.3", "example.com", "::")) {
            int code = run("up", "--api-host", host, "--home", dir.resolve(".baton").toString());

            assertThat(code).as(host).isEqualTo(BatonCommand.EXIT_USAGE);
            assertThat(err.toString()).contains("--api-host: must be a loopback address").contains("'" + host + "'")
                    .doesNotContain("\tat ");
        }
        assertThat(ControlPlaneOptions.apiHost("127.0.1.7")).isEqualTo("127.0.1.7");
        assertThat(ControlPlaneOptions.apiHost(null)).isEqualTo("127.0.0.1");
    }

    @Test
    void kubeOptionsOfTheClientAreCheckedBeforeAnyClusterIsAsked() {
        String home = dir.resolve(".baton").toString();

        assertThat(run("status", "--kubeconfig", home, "--home", home)).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--kubeconfig and --context: only with --kube-namespace");

        assertThat(run("status", "--kube-namespace", "Not_A_Label", "--home", home)).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--kube-namespace: must be a DNS label");

        assertThat(run("down", "--kube-namespace", "shop", "--home", home)).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("'down' stops what a home on this machine runs").doesNotContain("\tat ");
    }
}
