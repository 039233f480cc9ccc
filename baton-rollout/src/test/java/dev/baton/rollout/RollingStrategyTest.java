package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollingStrategyTest {
    static AppSpec spec(int instances, String surge, String unavailable, String minReady) {
        return AppSpec.parse("app: shop\nrun: x {port}\ninstances: " + instances + "\nstrategy: { type: rolling, max_surge: "
                + surge + ", max_unavailable: " + unavailable + ", min_ready: " + minReady + " }\n");
    }

    @Test
    void replacesEveryInstanceWithoutExceedingSurgeOrDroppingBelowAvailability() {
        for (String[] c : new String[][] {{"1", "0"}, {"0", "1"}, {"2", "1"}, {"25%", "25%"}, {"100%", "0"}}) {
            int n = 4;
            AppSpec spec = spec(n, c[0], c[1], "0s");
            RollingSpec r = (RollingSpec) spec.strategy();
            int maxLive = n + r.maxSurge().resolve(n, true);
            int minReady = n - r.maxUnavailable().resolve(n, false);
            Simulation sim = new Simulation(spec, "v1", "v2");
            sim.invariant = s -> s.live().size() <= maxLive
                    && s.live().stream().filter(InstanceView::ready).count() >= minReady;
            Step end = sim.run(200);
            assertThat(end).as("surge %s unavailable %s", c[0], c[1]).isEqualTo(new Step.Done(RolloutPhase.SUCCEEDED));
            assertThat(sim.state.live()).hasSize(n).allMatch(i -> i.version().equals("v2") && i.ready());
            assertThat(sim.state.weights()).isEqualTo(Map.of("v2", 100));
        }
    }

    @Test
    void weightsFollowReadyInstancesAndNeverPointAtAVersionWithoutReadyInstances() {
        Simulation sim = new Simulation(spec(3, "1", "0", "0s"), "v1", "v2");
        sim.invariant = s -> s.weights().keySet().stream().allMatch(v -> !s.ready(v).isEmpty());
        sim.run(100);
        assertThat(sim.stepsOf(Step.SetWeights.class)).extracting(Step.SetWeights::weights).containsExactly(
                Map.of("v1", 67, "v2", 33), Map.of("v1", 33, "v2", 67), Map.of("v2", 100));
    }

    @Test
    void oldInstanceLeavesRoutingBeforeItIsStopped() {
        Simulation sim = new Simulation(spec(1, "1", "0", "0s"), "v1", "v2");
        sim.run(50);
        List<Class<?>> kinds = sim.steps.stream().<Class<?>>map(Object::getClass).toList();
        assertThat(kinds).containsSubsequence(Step.StartInstances.class, Step.AwaitReady.class, Step.SetWeights.class,
                Step.DrainAndStop.class, Step.Done.class);
        assertThat(sim.stepsOf(Step.SetWeights.class).getLast().weights()).isEqualTo(Map.of("v2", 100));
    }

    @Test
    void surgeFirstStartsBeforeStoppingAndUnavailableFirstStopsBeforeStarting() {
        assertThat(new Simulation(spec(2, "1", "0", "0s"), "v1", "v2").next()).isEqualTo(new Step.StartInstances("v2", 1));
        Simulation unavailableFirst = new Simulation(spec(2, "0", "1", "0s"), "v1", "v2");
        assertThat(unavailableFirst.next()).isEqualTo(new Step.DrainAndStop(List.of("v1-1"), "replaced by v2"));
    }

    @Test
    void newInstanceCountsAsAvailableOnlyAfterMinReady() {
        Simulation sim = new Simulation(spec(1, "1", "0", "30s"), "v1", "v2");
        sim.apply(sim.next()); // start
        sim.apply(sim.next()); // await ready
        assertThat(sim.next()).as("a ready instance gets traffic at once").isEqualTo(new Step.SetWeights(Map.of("v1", 50, "v2", 50)));
        sim.apply(sim.next());
        Step step = sim.next();
        assertThat(step).isEqualTo(new Step.Pause(Duration.ofSeconds(30), "min_ready"));
        sim.advance(Duration.ofSeconds(29));
        assertThat(sim.next()).isEqualTo(new Step.Pause(Duration.ofSeconds(1), "min_ready"));
        sim.advance(Duration.ofSeconds(1));
        assertThat(sim.next()).as("available now, so the old one may go").isEqualTo(new Step.SetWeights(Map.of("v2", 100)));
    }

    @Test
    void passingTheProgressDeadlineWhileWaitingForReadinessRollsBack() {
        Simulation sim = new Simulation(spec(2, "1", "0", "0s"), "v1", "v2");
        sim.apply(sim.next()); // start one v2 that never becomes ready
        Step wait = sim.next();
        assertThat(wait).isInstanceOf(Step.AwaitReady.class);
        assertThat(((Step.AwaitReady) wait).deadline()).isEqualTo(Simulation.T0.plus(Duration.ofMinutes(10)));
        sim.advance(Duration.ofMinutes(10));
        Step step = sim.next();
        assertThat(step).isInstanceOf(Step.Rollback.class);
        assertThat(((Step.Rollback) step).reason()).contains("progress deadline 10m passed: 0 of 1 instances of v2 ready");
    }

    @Test
    void rollingBackWalksBackToTheStableVersion() {
        Simulation sim = new Simulation(spec(3, "1", "0", "0s"), "v1", "v2");
        for (int i = 0; i < 6; i++) {
            sim.apply(sim.next());
        }
        sim.apply(new Step.Rollback("test"));
        sim.invariant = s -> s.live().size() <= 4 && s.live().stream().filter(InstanceView::ready).count() >= 3;
        assertThat(sim.run(100)).isEqualTo(new Step.Done(RolloutPhase.ROLLED_BACK));
        assertThat(sim.state.live()).hasSize(3).allMatch(i -> i.version().equals("v1"));
        assertThat(sim.state.weights()).isEqualTo(Map.of("v1", 100));
    }

    @Test
    void crashedInstanceIsRemovedAndReplaced() {
        Simulation sim = new Simulation(spec(2, "1", "0", "0s"), "v1", "v2");
        sim.apply(sim.next()); // start v2
        InstanceView crashed = sim.state.live("v2").getFirst();
        sim.state = sim.state.toBuilder().instances(sim.state.instances().stream()
                .map(i -> i.equals(crashed) ? i.with(InstanceState.FAILED, sim.state.now()) : i).toList()).build();
        assertThat(sim.next()).isEqualTo(new Step.DrainAndStop(List.of(crashed.id()), "failed"));
        sim.apply(sim.next());
        assertThat(sim.next()).isEqualTo(new Step.StartInstances("v2", 1));
    }

    @Test
    void firstDeployStartsInstancesAndRoutesThem() {
        Simulation sim = new Simulation(spec(2, "1", "0", "0s"), null, "v1");
        assertThat(sim.run(50)).isEqualTo(new Step.Done(RolloutPhase.SUCCEEDED));
        assertThat(sim.state.live()).hasSize(2);
        assertThat(sim.state.weights()).isEqualTo(Map.of("v1", 100));
    }

    @Test
    void abortRollsBack() {
        Simulation sim = new Simulation(spec(2, "1", "0", "0s"), "v1", "v2");
        sim.state = sim.state.toBuilder().abortReason("user").build();
        assertThat(sim.next()).isEqualTo(new Step.Rollback("aborted: user"));
    }

    @Test
    void proportionalWeightsAlwaysSumTo100() {
        assertThat(Decisions.proportional(Map.of("a", 1, "b", 1, "c", 1)).values().stream().mapToInt(i -> i).sum())
                .isEqualTo(100);
        assertThat(Decisions.proportional(Map.of("a", 2, "b", 0))).isEqualTo(Map.of("a", 100));
    }
}
