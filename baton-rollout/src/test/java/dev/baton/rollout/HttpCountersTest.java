package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpCountersTest {
    static final List<Duration> BOUNDS = List.of(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void aWindowIsTheDifferenceOfTwoReadingsAndItsP99ComesFromItsOwnBuckets() {
        // Before: 1000 slow requests (all between 100 ms and 1 s), 500 of them errors.
        HttpCounters before = new HttpCounters(1000, 500, BOUNDS, List.of(0L, 0L, 1000L), 1000);
        // Since: 200 more, all fast (under 10 ms), 2 errors.
        HttpCounters now = new HttpCounters(1200, 502, BOUNDS, List.of(200L, 200L, 1200L), 1200);

        HttpStats window = now.since(before);

        assertThat(window.requests()).isEqualTo(200);
        assertThat(window.errors()).isEqualTo(2);
        assertThat(window.p99()).isLessThanOrEqualTo(Duration.ofMillis(10));
        assertThat(now.since(null).p99()).as("the lifetime p99 is slow").isGreaterThan(Duration.ofMillis(100));
    }

    @Test
    void countersThatWentDownMeanTheProxyRestartedAndTheWindowCountsFromZero() {
        HttpCounters before = new HttpCounters(1000, 10, BOUNDS, List.of(1000L, 1000L, 1000L), 1000);
        HttpCounters afterRestart = new HttpCounters(30, 3, BOUNDS, List.of(30L, 30L, 30L), 30);

        assertThat(afterRestart.since(before)).isEqualTo(afterRestart.since(null));
        assertThat(afterRestart.since(before).requests()).isEqualTo(30);
    }

    @Test
    void p99IsInterpolatedInsideItsBucketAndCappedAtTheHighestBound() {
        HttpCounters half = new HttpCounters(100, 0, BOUNDS, List.of(0L, 100L, 100L), 100);
        assertThat(half.since(null).p99()).isEqualTo(Duration.ofMillis(10).plusNanos(Math.round(90e6 * 0.99)));
        HttpCounters beyond = new HttpCounters(100, 0, BOUNDS, List.of(0L, 0L, 0L), 100);
        assertThat(beyond.since(null).p99()).isEqualTo(Duration.ofSeconds(1));
        assertThat(HttpCounters.NONE.since(null).p99()).isNull();
    }
}
