package dev.baton.server.verify;

import dev.baton.proof.ScenarioResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs scenarios one after another on one target. Each deploys a new version ({@code v2}, {@code v3}, …),
 * so a rolled-back version is never deployed again. With a soak duration the list repeats until that much
 * time has passed (each scenario at least once).
 */
public final class Verification {

    private final ScenarioRunner runner;
    private final PrintStream progress;
    private int nextVersion;

    /**
     * @param firstVersion the number of the first version to deploy (the target runs {@code v<firstVersion-1>})
     * @param progress where progress lines go (standard error); {@code null} for none
     */
    public Verification(VerifyTarget target, RunSettings settings, int firstVersion, PrintStream progress) {
        this.runner = new ScenarioRunner(target, settings, progress);
        this.nextVersion = firstVersion;
        this.progress = progress;
    }

    /**
     * Runs {@code scenarios} (repeated for {@code soak} when not null), handing each result to
     * {@code onResult} as soon as it is known; returns them all in order.
     */
    public List<ScenarioResult> run(List<Scenario> scenarios, Duration soak, Consumer<ScenarioResult> onResult)
            throws InterruptedException {
        List<ScenarioResult> results = new ArrayList<>();
        long end = soak == null ? 0 : System.nanoTime() + soak.toNanos();
        for (int round = 1; round == 1 || System.nanoTime() < end; round++) {
            for (Scenario s : scenarios) {
                if (round > 1 && System.nanoTime() >= end) {
                    break;
                }
                String name = round == 1 ? s.name() : s.name() + "#" + round;
                ScenarioResult r = runner.run(s, name, "v" + nextVersion++);
                results.add(r);
                onResult.accept(r);
            }
            if (soak == null) {
                break;
            }
            if (progress != null) {
                progress.printf("soak: round %d done, %d scenario(s), %d failed%n", round, results.size(),
                        results.stream().filter(r -> !r.passed()).count());
            }
        }
        return results;
    }
}
