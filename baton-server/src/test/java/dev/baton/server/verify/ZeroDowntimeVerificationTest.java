package dev.baton.server.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.proof.Report;
import dev.baton.proof.ScenarioResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short form of {@code baton verify}, in the test command ({@link Scenarios#ci()}): one real stage
 * (embedded PostgreSQL, the control plane as a child JVM, the proxy and two sample-app instances as
 * processes), then, each under steady HTTP and job load: a rolling deploy whose worker instance is SIGKILLed
 * mid-job; a blue-green deploy whose web instance is SIGKILLed with requests inside; a canary failing 20% of
 * requests that analysis must roll back; a rolling deploy with an instance SIGTERMed while slow requests are
 * inside it; a canary whose control plane is SIGKILLed and restarted mid-rollout; a canary failing its jobs,
 * rolled back, its failed jobs retried by the stable version. Every scenario must keep every invariant: no
 * unexplained failed or unknown request, no job lost, no effect twice, each fault really injected, the bad
 * versions rolled back and the good ones not.
 */
@Tag("process")
class ZeroDowntimeVerificationTest {

    private Path dir;

    @AfterEach
    void removeTheStagesDirectory() {
        if (dir != null) {
            Verify.delete(dir);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyStrategyKeepsEveryInvariantThroughKillsRestartsAndBadCanaries() throws Exception {
        dir = Verify.freshDirectory();
        List<Scenario> scenarios = Scenarios.ci();

        List<ScenarioResult> results = Verify.run(dir, scenarios, RunSettings.of(50, true), true, null, System.err,
                r -> System.err.println(ScenarioTable.render(r)));
        System.err.println(Report.verifyTable(results));

        assertThat(results).extracting(ScenarioResult::name).containsExactlyElementsOf(
                scenarios.stream().map(Scenario::name).toList());
        for (ScenarioResult r : results) {
            assertThat(r.violations()).as(r.name()).isEmpty();
            assertThat(r.requests().sent()).as(r.name()).isPositive();
            assertThat(r.jobs().enqueued()).as(r.name()).isPositive();
            assertThat(r.jobs().completed()).as(r.name()).isEqualTo(r.jobs().enqueued());
        }
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario s = scenarios.get(i);
            ScenarioResult r = results.get(i);
            assertThat(r.rolledBack()).as(r.name()).isEqualTo(s.expectsRollback());
            if (s.kinds().contains(FaultKind.WORKER_KILL) || s.kinds().contains(FaultKind.WEB_KILL)) {
                assertThat(r.explanations()).as(r.name()).anyMatch(e -> e.startsWith("injected: SIGKILL"));
            }
            if (s.kinds().contains(FaultKind.DATABASE_RESTART)) {
                assertThat(r.explanations()).as(r.name()).anyMatch(e -> e.startsWith("injected: PostgreSQL restarted"));
            }
            if (s.kinds().contains(FaultKind.CANARY_JOB_FAILURES)) {
                assertThat(r.explanations()).as(r.name()).anyMatch(e -> e.matches("retried: [1-9]\\d* job.*"));
            }
        }
    }
}
