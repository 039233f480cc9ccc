package dev.baton.server.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad options are refused before anything starts, with exit code 2 and a message naming the option. */
class VerifyCommandTest {

    @Test
    void anUnknownStrategyExitsTwoNamingTheOptionAndTheAllowedValues() {
        Run r = run("--strategy", "bogus");

        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--strategy: unknown strategy 'bogus'; allowed: rolling, blue-green, canary, all");
        assertThat(r.out).isEmpty();
    }

    @Test
    void anUnknownFaultExitsTwoListingTheFaults() {
        Run r = run("--faults", "meteor", "--json");

        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--faults: unknown fault 'meteor'; allowed: worker-kill, web-kill");
        assertThat(r.out).isEmpty();
    }

    @Test
    void aBadDurationOrRateExitsTwo() {
        assertThat(run("--duration", "soon").err).contains("--duration: not a duration 'soon'");
        assertThat(run("--rate", "0").err).contains("--rate: must be 1..5000");
        assertThat(run("--rate", "0").code).isEqualTo(2);
    }

    @Test
    void canaryFaultsWithoutACanaryExitTwo() {
        Run r = run("--strategy", "rolling", "--faults", "canary-errors");

        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--faults").contains("canary");
    }

    @Test
    void aLocalFaultWithKubernetesOrAClusterFaultWithoutItExitsTwoNamingIt() {
        Run local = run("--kubernetes", "--kubeconfig", "/dev/null", "--faults", "db-restart");
        assertThat(local.code).isEqualTo(2);
        assertThat(local.err).contains("--faults: db-restart acts on this host's processes or database, not with "
                + "--kubernetes");

        Run cluster = run("--faults", "proxy-kill");
        assertThat(cluster.code).isEqualTo(2);
        assertThat(cluster.err).contains("--faults: proxy-kill needs --kubernetes");
    }

    @Test
    void kubernetesWithoutAClusterExitsTwoSayingHowToStartOne() {
        Run r = run("--kubernetes", "--kubeconfig", "/nonexistent/kubeconfig");

        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--kubeconfig: cannot read /nonexistent/kubeconfig")
                .contains("scripts/kube-test-cluster start").doesNotContain("Exception");
        assertThat(run("--kubeconfig", "/dev/null").err).contains("--kubeconfig: only with --kubernetes");
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
