package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    @Test
    void delayDoublesFromInitialAndStopsAtMax() {
        RestartBackoff b = RestartBackoff.DEFAULT;
        assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.delay(6)).isEqualTo(Duration.ofSeconds(32));
        assertThat(b.delay(7)).isEqualTo(Duration.ofSeconds(60));
        assertThat(b.delay(1_000)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void badSettingsNameTheField() {
        assertThatThrownBy(() -> new RestartBackoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageStartingWith("backoff.initial");
        assertThatThrownBy(() -> new RestartBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageStartingWith("backoff.max");
    }
}
