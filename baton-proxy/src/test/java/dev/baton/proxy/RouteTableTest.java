package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    @Test
    void rejectsEachBadFieldWithItsName() {
        assertThatThrownBy(() -> new VersionRoute("v1", 101, List.of())).hasMessageContaining("weight")
                .hasMessageContaining("between 0 and 100");
        assertThatThrownBy(() -> new VersionRoute("bad name", 1, List.of())).hasMessageContaining("name");
        assertThatThrownBy(() -> new VersionRoute("v1", 1, List.of("h:99999"))).hasMessageContaining("backends[0]");
        assertThatThrownBy(() -> new RouteTable(List.of(new VersionRoute("v1", 50, List.of()),
                new VersionRoute("v1", 50, List.of())), false)).hasMessageContaining("versions[1].name");
        assertThatThrownBy(() -> new RouteTable(List.of(new VersionRoute("a", 50, List.of("h:1")),
                new VersionRoute("b", 50, List.of("h:1"))), false)).hasMessageContaining("appears more than once");
        assertThatThrownBy(() -> RouteTable.single("v1", List.of()).withWeights(Map.of("v1", 90)))
                .hasMessageContaining("add up to 100");
    }

    @Test
    void versionChoiceFollowsTheWeightsExactlyOverEveryHundredRequests() {
        Map<String, Backend> backends = Map.of(
                "h:1", new Backend(BackendAddress.parse("h:1"), BackendState.READY),
                "h:2", new Backend(BackendAddress.parse("h:2"), BackendState.READY));
        Map<String, VersionMetrics> metrics = Map.of("a", new VersionMetrics("a"), "b", new VersionMetrics("b"));
        Routes routes = new Routes(new RouteTable(List.of(new VersionRoute("a", 7, List.of("h:1")),
                new VersionRoute("b", 93, List.of("h:2"))), false), backends, metrics, Map.of());

        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            chosen.add(routes.choose(null, null, null).version().name);
        }

        assertThat(chosen.stream().filter("a"::equals).count()).isEqualTo(70);
        // interleaved, not in blocks: some "a" lands in the first 20
        assertThat(chosen.subList(0, 20)).contains("a");
    }

    @Test
    void fallsBackToAnotherWeightedVersionWhenTheChosenOneHasNoReadyBackend() {
        Backend down = new Backend(BackendAddress.parse("h:1"), BackendState.FAILED);
        Backend up = new Backend(BackendAddress.parse("h:2"), BackendState.READY);
        Routes routes = new Routes(new RouteTable(List.of(new VersionRoute("a", 50, List.of("h:1")),
                new VersionRoute("b", 50, List.of("h:2"))), false), Map.of("h:1", down, "h:2", up),
                Map.of("a", new VersionMetrics("a"), "b", new VersionMetrics("b")), Map.of());

        for (int i = 0; i < 10; i++) {
            assertThat(routes.choose(null, null, null).backend()).isSameAs(up);
        }
        assertThat(routes.choose("a", null, null)).as("a pinned version does not fall back").isNull();
        assertThat(routes.choose(null, null, List.of(up))).as("never a backend already tried").isNull();
    }

    @Test
    void healthCheckRiseAndFallCounts() {
        HealthCheck hc = new HealthCheck("/h", java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), 2, 3);
        assertThat(hc.next(BackendState.STARTING, 1, 0)).isEqualTo(BackendState.STARTING);
        assertThat(hc.next(BackendState.STARTING, 2, 0)).isEqualTo(BackendState.READY);
        assertThat(hc.next(BackendState.READY, 0, 2)).isEqualTo(BackendState.READY);
        assertThat(hc.next(BackendState.READY, 0, 3)).isEqualTo(BackendState.FAILED);
        assertThat(hc.next(BackendState.FAILED, 2, 0)).isEqualTo(BackendState.READY);
        assertThat(hc.next(BackendState.DRAINING, 5, 0)).isEqualTo(BackendState.DRAINING);
    }
}
