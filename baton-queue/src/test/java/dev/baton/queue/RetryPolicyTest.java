package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void exponentialDoublesPerAttemptUpToTheCap() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 0);
        assertThat(p.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoff(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(p.backoff(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.backoff(1000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jitterStaysWithinItsFractionAndActuallySpreads() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofSeconds(10), Duration.ofHours(1), 0.2);
        java.util.Set<Duration> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration d = p.backoff(1);
            assertThat(d).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
            seen.add(d);
        }
        assertThat(seen).hasSizeGreaterThan(10);
    }

    @Test
    void attemptsStartAtOne() {
        assertThatThrownBy(() -> RetryPolicy.fixed(Duration.ofSeconds(1)).backoff(0)).hasMessageStartingWith("attempt:");
    }
}
