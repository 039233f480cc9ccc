package dev.baton.server.verify;

import dev.baton.proof.ScenarioResult;
import dev.baton.server.scenario.ClusterStage;
import dev.baton.server.scenario.Stage;
import dev.baton.server.scenario.StageOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code baton verify} from Java: starts one stage (PostgreSQL, control plane, proxy, sample app) in a
 * fresh directory, runs the scenarios on it one after another, and stops everything. Used by the command
 * and by the test command's {@code ZeroDowntimeVerificationTest}.
 */
public final class Verify {

    private Verify() {}

    /**
     * @param dir an empty directory for the stage's state and logs (its {@code .baton} goes inside)
     * @param onResult called with each scenario's result as soon as it is known
     */
    public static List<ScenarioResult> run(Path dir, List<Scenario> scenarios, RunSettings settings, boolean quick,
                                           Duration soak, PrintStream progress, Consumer<ScenarioResult> onResult)
            throws InterruptedException {
        StageOptions defaults = StageOptions.defaults(dir.resolve(".baton"), quick, progress);
        try (Stage stage = Stage.start(defaults)) {
            // Ctrl-C or SIGTERM must not leave the data plane running: its processes have sessions of their own.
            Thread stopper = new Thread(stage::close, "verify-stop-stage");
            Runtime.getRuntime().addShutdownHook(stopper);
            try {
                // The stage's own loads serve the demo; each scenario runs loads of its own.
                stage.withoutLoads();
                int first = versionNumber(defaults.initialVersion()) + 1;
                return new Verification(new StageTarget(stage), settings, first, progress).run(scenarios, soak,
                        onResult);
            } finally {
                removeHook(stopper);
            }
        }
    }

    /**
     * {@code baton verify --kubernetes} from Java: starts a {@link ClusterStage} (Baton installed as pods on the
     * cluster of {@code kubeconfig}, in a fresh namespace) in {@code dir}, runs the scenarios on it, and deletes the
     * namespace and stops everything.
     */
    public static List<ScenarioResult> runOnCluster(Path dir, Path kubeconfig, List<Scenario> scenarios,
                                                    RunSettings settings, boolean quick, Duration soak,
                                                    PrintStream progress, Consumer<ScenarioResult> onResult)
            throws InterruptedException {
        try (ClusterStage stage = ClusterStage.start(dir, kubeconfig, quick, progress)) {
            Thread stopper = new Thread(stage::close, "verify-stop-cluster-stage");
            Runtime.getRuntime().addShutdownHook(stopper);
            try {
                return new Verification(new ClusterTarget(stage), settings, 2, progress).run(scenarios, soak, onResult);
            } finally {
                removeHook(stopper);
            }
        }
    }

    /**
     * The cluster to verify on: {@code option} (--kubeconfig), else {@code BATON_TEST_KUBECONFIG}, else a one-line
     * error saying how to start the test cluster.
     */
    public static Path kubeconfig(Path option, Map<String, String> env) {
        Path p = option != null ? option : env.get("BATON_TEST_KUBECONFIG") != null
                && !env.get("BATON_TEST_KUBECONFIG").isBlank() ? Path.of(env.get("BATON_TEST_KUBECONFIG")) : null;
        if (p == null) {
            throw new IllegalArgumentException("--kubeconfig: none given and BATON_TEST_KUBECONFIG is not set; start the "
                    + "test cluster with 'scripts/kube-test-cluster start' and pass its kubeconfig "
                    + "(~/.cache/baton/kube-run/kubeconfig)");
        }
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException("--kubeconfig: cannot read " + p + " (is the cluster running? "
                    + "'scripts/kube-test-cluster start')");
        }
        return p;
    }

    /** A fresh directory for a stage: the stage kills what names it, so it is never shared. */
    public static Path freshDirectory() throws IOException {
        return Files.createTempDirectory("baton-verify-");
    }

    /** Deletes {@code dir} and everything under it. */
    public static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: it is a temporary directory
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running
        }
    }

    private static int versionNumber(String v) {
        String digits = v.replaceAll("\\D", "");
        return digits.isEmpty() ? 1 : Integer.parseInt(digits);
    }
}
