package dev.baton.server.verify;

import dev.baton.proof.ScenarioResult;
import dev.baton.server.scenario.Stage;
import dev.baton.server.scenario.StageOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
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
