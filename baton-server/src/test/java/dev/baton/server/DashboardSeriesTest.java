package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.queue.TestClock;
import dev.baton.queue.VersionJobStats;
import dev.baton.rollout.HttpCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardSeriesTest {
    private final TestClock clock = new TestClock();
    private final Map<String, HttpCounters> counters = new HashMap<>();
    private final Map<String, VersionJobStats> jobs = new HashMap<>();
    private final java.util.List<Instant> jobWindows = new java.util.ArrayList<>();
    private final DashboardSeries series = new DashboardSeries(() -> Map.copyOf(counters), since -> {
        jobWindows.add(since);
        return Map.copyOf(jobs);
    }, clock);

    private static HttpCounters http(long requests, long errors, long fast, long slow) {
        return new HttpCounters(requests, errors, List.of(Duration.ofMillis(10), Duration.ofMillis(100)),
                List.of(fast, fast + slow), fast + slow);
    }

    @SuppressWarnings("unchecked")
    private List<DashboardSeries.Point> points(String version) {
        return (List<DashboardSeries.Point>) ((Map<String, Object>) series.view().get("versions")).get(version);
    }

    @Test
    void eachWindowIsTheDifferenceOfTwoReadingsPerVersion() {
        counters.put("v1", http(100, 0, 100, 0));
        series.sample();
        assertThat(points("v1")).as("one reading is no window yet").isNull();

        clock.advance(Duration.ofSeconds(2));
        counters.put("v1", http(140, 0, 140, 0));
        counters.put("v2", http(20, 5, 10, 10));
        jobs.put("v2", new VersionJobStats("v2", 6, 1, 1));
        series.sample();

        DashboardSeries.Point v1 = points("v1").getFirst();
        assertThat(v1.rps()).isEqualTo(20.0);
        assertThat(v1.errorRate()).isEqualTo(0.0);
        assertThat(v1.jobsPerSecond()).as("no jobs of v1 known").isNull();
        DashboardSeries.Point v2 = points("v2").getFirst();
        assertThat(v2.rps()).isEqualTo(10.0);
        assertThat(v2.errorRate()).isEqualTo(25.0);
        assertThat(v2.p99Ms()).isGreaterThan(10.0).isLessThanOrEqualTo(100.0);
        assertThat(v2.jobsPerSecond()).isEqualTo(4.0);
        assertThat(v2.jobFailureRate()).isEqualTo(25.0);
        assertThat(jobWindows).as("jobs are counted since the last reading").containsExactly(clock.instant().minusSeconds(2));
    }

    @Test
    void aVersionWithNothingInAWindowGetsNoPointAndOldPointsAreDropped() {
        counters.put("v1", http(10, 0, 10, 0));
        series.sample();
        clock.advance(Duration.ofSeconds(2));
        counters.put("v1", http(20, 0, 20, 0));
        series.sample();
        clock.advance(Duration.ofSeconds(2));
        series.sample();
        assertThat(points("v1")).hasSize(1);

        clock.advance(DashboardSeries.KEPT);
        series.sample();
        assertThat(points("v1")).as("older than what is kept").isNull();
    }
}
