package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    private final WorkerConfig defaults = WorkerConfig.defaults();

    @Test
    void defaultsFitInsideKubernetesDefaultGracePeriodWithMargin() {
        assertThat(defaults.maxStopTime()).isLessThanOrEqualTo(Duration.ofSeconds(25));
        assertThat(defaults.healthHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.rescueInterval()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void eachInvalidFieldIsRejectedWithItsName() {
        assertThatThrownBy(() -> defaults.withConcurrency(0)).hasMessageStartingWith("concurrency: must be within 1..10000");
        assertThatThrownBy(() -> defaults.withId(" ")).hasMessageStartingWith("id: must not be empty");
        assertThatThrownBy(() -> defaults.withVersion("")).hasMessageStartingWith("version: must not be empty");
        assertThatThrownBy(() -> defaults.withLease(Duration.ofMillis(10))).hasMessageStartingWith("lease: must be within");
        assertThatThrownBy(() -> defaults.withPollInterval(null)).hasMessageStartingWith("pollInterval: must not be null");
        assertThatThrownBy(() -> defaults.withStopDeadlines(Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .hasMessageStartingWith("softStop: must be within");
        assertThatThrownBy(() -> defaults.withStopDeadlines(Duration.ZERO, Duration.ZERO))
                .hasMessageStartingWith("hardStop: must be within");
        assertThatThrownBy(() -> defaults.withHealth("127.0.0.1", 70000)).hasMessageStartingWith("healthPort: must be -1");
        assertThatThrownBy(() -> defaults.withQueues(Set.of(""))).hasMessageStartingWith("queues: must not be empty");
        assertThatThrownBy(() -> defaults.withCompletionLinger(Duration.ofMinutes(2)))
                .hasMessageStartingWith("completionLinger: must be within PT0S..PT1M");
    }

    @Test
    void generatedIdsAreUnique() {
        assertThat(WorkerConfig.generatedId()).isNotEqualTo(WorkerConfig.generatedId())
                .contains(String.valueOf(ProcessHandle.current().pid()));
    }
}
