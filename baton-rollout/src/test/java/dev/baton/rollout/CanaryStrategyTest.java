package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.rollout.AnalysisVerdict.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanaryStrategyTest {
    static AppSpec spec(String steps, String analysis, boolean worker) {
        return AppSpec.parse("app: shop\nrun: x {port}\ninstances: 4\n" + (worker ? "worker: { kinds: [a] }\n" : "")
                + "strategy: { type: canary, steps: " + steps + (analysis == null ? "" : ", analysis: " + analysis) + " }\n");
    }

    @Test
    void walksTheStepsSettingTrafficAndJobSharesTogetherThenRetiresStable() {
        Simulation sim = new Simulation(spec("[ {weight: 25, pause: 30s}, {weight: 50, pause: 1m}, {weight: 100} ]", null, true), "v1", "v2");
        sim.invariant = s -> s.ready("v1").size() + s.ready("v2").size() >= 4;
        assertThat(sim.run(100)).isEqualTo(new Step.Done(RolloutPhase.SUCCEEDED));
        assertThat(sim.stepsOf(Step.SetWeights.class)).extracting(Step.SetWeights::weights).containsExactly(
                Map.of("v1", 75, "v2", 25), Map.of("v1", 50, "v2", 50), Map.of("v1", 0, "v2", 100), Map.of("v2", 100));
        assertThat(sim.stepsOf(Step.SetJobShares.class)).extracting(Step.SetJobShares::shares).containsExactly(
                Map.of("v1", 75, "v2", 25), Map.of("v1", 50, "v2", 50), Map.of("v1", 0, "v2", 100), Map.of());
        assertThat(sim.stepsOf(Step.Pause.class)).extracting(Step.Pause::duration)
                .containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(1));
        assertThat(sim.state.live()).hasSize(4).allMatch(i -> i.version().equals("v2"));
        assertThat(sim.stepsOf(Step.Promote.class)).hasSize(1);
    }

    @Test
    void canaryInstancesScaleWithTheWeightBeforeTrafficMoves() {
        Simulation sim = new Simulation(spec("[ {weight: 10}, {weight: 60}, {weight: 100} ]", null, false), "v1", "v2");
        assertThat(sim.next()).isEqualTo(new Step.StartInstances("v2", 1));
        sim.run(100);
        assertThat(sim.stepsOf(Step.StartInstances.class)).extracting(Step.StartInstances::count).containsExactly(1, 2, 1);
    }

    @Test
    void pauseForeverWaitsForPromote() {
        Simulation sim = new Simulation(spec("[ {weight: 20, pause: forever}, {weight: 100} ]", null, false), "v1", "v2");
        Step held = sim.run(50);
        assertThat(held).isEqualTo(Step.Pause.forever("step 1/2 at 20%: waiting for promote"));
        sim.advance(Duration.ofDays(3));
        assertThat(sim.next()).as("time alone does not end it").isEqualTo(held);
        sim.state = sim.state.toBuilder().promoteRequested(true).build();
        assertThat(sim.next()).isEqualTo(new Step.Advance(1));
        assertThat(sim.run(50)).isEqualTo(new Step.Done(RolloutPhase.SUCCEEDED));
    }

    @Test
    void failingAnalysisRollsBackAtOnceAndRestoresStableWithJobs() {
        Simulation sim = new Simulation(spec("[ {weight: 25, pause: 10m}, {weight: 100} ]",
                "{ interval: 5s, max_error_rate: 1% }", true), "v1", "v2");
        int[] analyses = {0};
        sim.analysis = s -> ++analyses[0] < 3 ? Outcome.PASS : Outcome.FAIL;
        assertThat(sim.run(100)).isEqualTo(new Step.Done(RolloutPhase.ROLLED_BACK));
        assertThat(analyses[0]).isEqualTo(3);
        List<Step> afterFail = sim.steps.subList(sim.steps.lastIndexOf(sim.stepsOf(Step.Analyse.class).get(2)) + 1, sim.steps.size());
        assertThat(afterFail.getFirst()).isInstanceOf(Step.Rollback.class);
        assertThat(afterFail).containsSubsequence(
                new Step.SetWeights(Map.of("v1", 100)), new Step.SetJobShares(Map.of("v1", 100)),
                new Step.RetryFailedJobs("v2", Simulation.T0), new Step.SetJobShares(Map.of()),
                new Step.Done(RolloutPhase.ROLLED_BACK));
        assertThat(afterFail).filteredOn(Step.DrainAndStop.class::isInstance).hasSize(1);
        assertThat(sim.state.live()).hasSize(4).allMatch(i -> i.version().equals("v1"));
        assertThat(sim.stepsOf(Step.Pause.class)).allMatch(p -> p.duration().equals(Duration.ofSeconds(5)));
    }

    @Test
    void inconclusiveAnalysisHoldsTheStepUntilItPasses() {
        Simulation sim = new Simulation(spec("[ {weight: 25, pause: 20s}, {weight: 100} ]", "{ interval: 5s, max_error_rate: 1% }", false), "v1", "v2");
        // too few requests for the first 40 s of the step, enough afterwards
        sim.analysis = s -> s.now().isBefore(s.stepSince().plusSeconds(40)) ? Outcome.INCONCLUSIVE : Outcome.PASS;
        assertThat(sim.run(200)).isEqualTo(new Step.Done(RolloutPhase.SUCCEEDED));
        assertThat(sim.steps).anySatisfy(st -> assertThat(st).isInstanceOfSatisfying(Step.Pause.class,
                p -> assertThat(p.reason()).contains("waiting for a conclusive analysis")));
    }

    @Test
    void analysisThatNeverBecomesConclusiveRollsBackAtTheProgressDeadline() {
        Simulation sim = new Simulation(spec("[ {weight: 25, pause: 20s}, {weight: 100} ]", "{ interval: 5s, max_error_rate: 1% }", false), "v1", "v2");
        sim.analysis = s -> Outcome.INCONCLUSIVE;
        sim.run(2000);
        assertThat(sim.steps).anySatisfy(st -> assertThat(st).isInstanceOfSatisfying(Step.Rollback.class,
                r -> assertThat(r.reason()).startsWith("analysis not conclusive within the progress deadline")));
        assertThat(sim.steps).noneMatch(st -> st instanceof Step.Advance);
    }

    @Test
    void analysisRunsOnlyWhileTheCanaryHasTraffic() {
        Simulation sim = new Simulation(spec("[ {weight: 0, pause: 10s}, {weight: 100} ]", "{ interval: 5s, max_error_rate: 1% }", false), "v1", "v2");
        sim.run(100);
        assertThat(sim.stepsOf(Step.Analyse.class)).as("weight 0 has no traffic; weight 100 has no pause to watch").isEmpty();
    }

    @Test
    void canaryThatNeverBecomesReadyIsRolledBackAtTheProgressDeadline() {
        Simulation sim = new Simulation(spec("[ {weight: 25}, {weight: 100} ]", null, false), "v1", "v2");
        sim.apply(sim.next());
        sim.advance(Duration.ofMinutes(10));
        Step step = sim.next();
        assertThat(step).isInstanceOf(Step.Rollback.class);
        sim.apply(step);
        assertThat(sim.run(50)).isEqualTo(new Step.Done(RolloutPhase.ROLLED_BACK));
        assertThat(sim.state.live()).allMatch(i -> i.version().equals("v1"));
    }

    @Test
    void promoteDuringATimedPauseSkipsTheRestOfIt() {
        Simulation sim = new Simulation(spec("[ {weight: 25, pause: 1h}, {weight: 100} ]", null, false), "v1", "v2");
        for (int i = 0; i < 3; i++) {
            sim.apply(sim.next());
        }
        assertThat(sim.next()).isInstanceOf(Step.Pause.class);
        sim.state = sim.state.toBuilder().promoteRequested(true).build();
        assertThat(sim.next()).isEqualTo(new Step.Advance(1));
    }
}
