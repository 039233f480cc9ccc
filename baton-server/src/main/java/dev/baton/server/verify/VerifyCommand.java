package dev.baton.server.verify;

import dev.baton.proof.Report;
import dev.baton.proof.ScenarioResult;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton verify}: deploys the sample app again and again under steady HTTP and job load, injects
 * faults, and checks that no request failed, no job was lost and no effect happened twice. Exit code 0 when
 * every scenario passed, 1 when one broke an invariant, 2 for bad options.
 */
@Command(name = "verify", description = "Prove zero downtime: deploy under load and faults, then check the invariants.")
public final class VerifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandSpec command;

    @Parameters(arity = "0..1", paramLabel = "SPEC", description = "An app spec (not supported yet: the sample app "
            + "is verified).")
    Path spec;

    @Option(names = "--strategy", defaultValue = "all", description = "rolling, blue-green, canary or all "
            + "(comma-separated; default: all).")
    String strategy;

    @Option(names = "--duration", description = "Repeat the scenarios for this long (a soak), e.g. 30m.")
    String duration;

    @Option(names = "--rate", description = "HTTP requests per second (default: 50, or 100 without --quick).")
    Integer rate;

    @Option(names = "--faults", description = "Faults to inject on each strategy, comma-separated, or none or all; "
            + "default: the standard scenarios. Allowed: worker-kill, web-kill, slow-term, canary-errors, "
            + "canary-job-failures, never-ready, db-restart, control-plane-restart; with --kubernetes: leader-kill, "
            + "proxy-kill, pod-force-delete, canary-errors, canary-job-failures, never-ready.")
    String faults;

    @Option(names = "--quick", description = "Every strategy and every fault once, in a few minutes.")
    boolean quick;

    @Option(names = "--json", description = "Print one JSON object on standard output, and nothing else.")
    boolean json;

    @Option(names = "--kubernetes", description = "Verify on a Kubernetes cluster with Baton itself installed as pods "
            + "(2 control planes, 2 proxies; kube install's manifests) in a fresh namespace, deleted afterwards. Faults: "
            + "leader-kill, proxy-kill, pod-force-delete, and those of the new version.")
    boolean kubernetes;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "With --kubernetes: the cluster (default: "
            + "$BATON_TEST_KUBECONFIG; the test cluster of 'scripts/kube-test-cluster start').")
    Path kubeconfig;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() throws Exception {
        VerifyOptions o = options();
        List<Scenario> scenarios = select(o);
        PrintWriter out = command.commandLine().getOut();
        PrintStream progress = System.err;
        progress.println("verify: " + scenarios.size() + " scenario(s): "
                + scenarios.stream().map(Scenario::name).toList()
                + (o.duration() == null ? "" : ", repeated for " + o.duration().toMinutes() + " min"));
        Path dir = Verify.freshDirectory();
        long t0 = System.nanoTime();
        java.util.function.Consumer<ScenarioResult> onResult = r -> {
            if (!json) {
                out.println(ScenarioTable.render(r));
                out.flush();
            }
        };
        RunSettings settings = RunSettings.of(o.rate(), o.quick());
        List<ScenarioResult> results = o.kubernetes()
                ? Verify.runOnCluster(dir, o.kubeconfig(), scenarios, settings, o.quick(), o.duration(), progress,
                        onResult)
                : Verify.run(dir, scenarios, settings, o.quick(), o.duration(), progress, onResult);
        boolean passed = results.stream().allMatch(ScenarioResult::passed);
        if (json) {
            out.println(Report.verifyJson(results));
        } else {
            out.println("== summary (" + results.size() + " scenario(s) in "
                    + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s)");
            out.print(Report.verifyTable(results));
            out.println(passed ? "verify: every scenario passed" : "verify: FAILED");
        }
        out.flush();
        if (passed) {
            Verify.delete(dir);
        } else {
            progress.println("verify: logs kept in " + dir);
        }
        return passed ? 0 : 1;
    }

    private VerifyOptions options() {
        try {
            if (spec != null) {
                throw new IllegalArgumentException("SPEC: verifying an app of your own is not supported yet; "
                        + "run 'baton verify' without a spec to verify Baton with its sample app");
            }
            if (kubeconfig != null && !kubernetes) {
                throw new IllegalArgumentException("--kubeconfig: only with --kubernetes");
            }
            Path cluster = kubernetes ? Verify.kubeconfig(kubeconfig, System.getenv()) : null;
            return new VerifyOptions(null, VerifyOptions.parseStrategies(strategy),
                    duration == null ? null : VerifyOptions.parseDuration(duration), rate != null ? rate : quick ? 50 : 100,
                    faults == null ? null : VerifyOptions.parseFaults(faults, kubernetes), quick, json, cluster);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(), e.getMessage());
        }
    }

    private List<Scenario> select(VerifyOptions o) {
        try {
            return Scenarios.select(o);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(), e.getMessage());
        }
    }
}
