package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@Tag("process")
class TrafficShiftTest {

    ProxyFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new ProxyFixture();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void twentyThousandRequestsThroughWeightStepsAndABlueGreenSwitchFailNoneAndFollowTheWeights() throws Exception {
        TestBackend blueA = f.backend("v1");
        TestBackend blueB = f.backend("v1");
        TestBackend greenA = f.backend("v2");
        TestBackend greenB = f.backend("v2");
        f.routeAndWaitReady(new RouteTable(List.of(
                new VersionRoute("v1", 100, List.of(blueA.id(), blueB.id())),
                new VersionRoute("v2", 0, List.of(greenA.id(), greenB.id()))), false));

        // Phases: canary weights 5 -> 50 -> 100, then a blue-green switch back to v1 in one swap.
        List<Map<String, Integer>> steps = List.of(
                Map.of("v1", 95, "v2", 5), Map.of("v1", 50, "v2", 50), Map.of("v1", 0, "v2", 100),
                Map.of("v1", 100, "v2", 0));
        int total = 20_000;
        int perPhase = total / (steps.size() + 1);
        AtomicInteger phase = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        CompletableFuture<Void> controller = CompletableFuture.runAsync(() -> {
            for (Map<String, Integer> step : steps) {
                int target = perPhase * (phase.get() + 1);
                while (done.get() < target) {
                    Thread.onSpinWait();
                }
                f.proxy.setWeights(step);
                phase.incrementAndGet();
            }
        });

        List<Load.Outcome> outcomes = Load.run(f.client, f.uri("/"), "GET", 8, total, phase::get, done);
        controller.join();

        assertThat(outcomes).hasSize(total);
        assertThat(outcomes).filteredOn(o -> !o.ok()).isEmpty();
        int[] expectedV2 = {0, 5, 50, 100, 0};
        for (int p = 0; p < expectedV2.length; p++) {
            int pp = p;
            List<Load.Outcome> inPhase = outcomes.stream()
                    .filter(o -> o.phaseAtStart() == pp && o.phaseAtEnd() == pp).toList();
            long v2 = inPhase.stream().filter(o -> o.body().equals("v2")).count();
            double share = 100.0 * v2 / inPhase.size();
            assertThat(inPhase.size()).as("requests wholly inside phase %d", p).isGreaterThan(perPhase / 2);
            assertThat(share).as("v2 share in phase %d", p).isBetween(expectedV2[p] - 2.0, expectedV2[p] + 2.0);
        }
        var m = f.proxy.metrics();
        assertThat(m.get("v1").requests() + m.get("v2").requests()).isEqualTo(total);
        assertThat(m.get("v1").responses5xx() + m.get("v2").responses5xx()).isZero();
    }
}
