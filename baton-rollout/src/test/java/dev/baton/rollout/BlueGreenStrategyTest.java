package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlueGreenStrategyTest {
    static AppSpec spec(boolean autoPromote, boolean worker) {
        return AppSpec.parse("app: shop\nrun: x {port}\ninstances: 3\n" + (worker ? "worker: { kinds: [a] }\n" : "")
                + "strategy: { type: blue-green, preview: 8081, smoke: /smoke, auto_promote: " + autoPromote
                + ", scale_down_delay: 1m }\n");
    }

    @Test
    void startsGreenBesideBluePreviewsSmokesThenSwapsAllTrafficAtOnce() {
        Simulation sim = new Simulation(spec(true, true), "blue", "green");
        sim.invariant = s -> s.weights().equals(Map.of("blue", 100)) || s.weights().equals(Map.of("green", 100));
        assertThat(sim.run(100)).isEqualTo(new Step.Done(RolloutPhase.SUCCEEDED));
        assertThat(sim.steps).containsSubsequence(
                new Step.SetJobShares(Map.of("blue", 100)),
                new Step.StartInstances("green", 3),
                new Step.SetPreview("green"),
                new Step.SmokeCheck("green", "/smoke"),
                new Step.SetWeights(Map.of("green", 100)),
                new Step.SetJobShares(Map.of("green", 100)),
                new Step.Promote(),
                new Step.Pause(Duration.ofMinutes(1), "scale_down_delay: blue kept for an instant rollback"),
                new Step.SetPreview(null),
                new Step.SetJobShares(Map.of()));
        assertThat(sim.stepsOf(Step.SetWeights.class)).hasSize(1);
        assertThat(sim.stepsOf(Step.DrainAndStop.class)).singleElement()
                .satisfies(d -> assertThat(d.instanceIds()).hasSize(3).allMatch(id -> id.startsWith("blue")));
    }

    @Test
    void withoutAutoPromoteWaitsForPromoteOnPreview() {
        Simulation sim = new Simulation(spec(false, false), "blue", "green");
        assertThat(sim.run(50)).isEqualTo(Step.Pause.forever("green is on the preview port 8081: waiting for 'baton promote'"));
        assertThat(sim.state.weights()).isEqualTo(Map.of("blue", 100));
        sim.state = sim.state.toBuilder().promoteRequested(true).build();
        assertThat(sim.next()).isEqualTo(new Step.SetWeights(Map.of("green", 100)));
    }

    @Test
    void failedSmokeCheckRollsBackWithoutGreenEverTakingTraffic() {
        Simulation sim = new Simulation(spec(true, false), "blue", "green");
        sim.smokePasses = false;
        assertThat(sim.run(50)).isEqualTo(new Step.Done(RolloutPhase.ROLLED_BACK));
        assertThat(sim.stepsOf(Step.Rollback.class)).singleElement().extracting(Step.Rollback::reason)
                .isEqualTo("smoke check GET /smoke on green failed");
        assertThat(sim.stepsOf(Step.SetWeights.class)).isEmpty();
        assertThat(sim.state.live()).hasSize(3).allMatch(i -> i.version().equals("blue"));
    }

    @Test
    void rollbackWithinTheScaleDownDelayIsOneRouteSwap() {
        Simulation sim = new Simulation(spec(true, false), "blue", "green");
        sim.onForever = s -> false;
        while (sim.state.promotedAt() == null) {
            sim.apply(sim.next());
        }
        assertThat(sim.next()).isInstanceOf(Step.Pause.class);
        sim.advance(Duration.ofSeconds(20));
        sim.state = sim.state.toBuilder().abortReason("bad release").build();
        int before = sim.steps.size();
        assertThat(sim.run(50)).isEqualTo(new Step.Done(RolloutPhase.ROLLED_BACK));
        List<Step> rollback = sim.steps.subList(before, sim.steps.size());
        assertThat(rollback).containsExactly(
                new Step.Rollback("aborted: bad release"),
                new Step.SetWeights(Map.of("blue", 100)),
                new Step.SetPreview(null),
                new Step.DrainAndStop(sim.stepsOf(Step.DrainAndStop.class).getFirst().instanceIds(), "rolled back: aborted: bad release"),
                new Step.Done(RolloutPhase.ROLLED_BACK));
    }

    @Test
    void greenThatNeverBecomesReadyIsRolledBackAtTheProgressDeadline() {
        Simulation sim = new Simulation(spec(true, false), "blue", "green");
        sim.apply(sim.next());
        sim.advance(Duration.ofMinutes(10));
        assertThat(sim.next()).isInstanceOf(Step.Rollback.class);
    }
}
