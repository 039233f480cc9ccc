package dev.baton.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void readsUnitsCompoundsZeroAndIso() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("1h2m3s4ms")).isEqualTo(Duration.ofMillis(3_723_004));
        assertThat(Durations.parse(" 0 ")).isZero();
        assertThat(Durations.parse("PT20S")).isEqualTo(Duration.ofSeconds(20));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "s", "1.5s", "-1s", "30 s", "1d", "P", "soon", "PT"})
    void refusesAnythingElseSayingWhatIsAllowed(String text) {
        assertThatThrownBy(() -> Durations.parse("drain.timeout", text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("drain.timeout: not a duration").hasMessageContaining("500ms, 30s");
    }

    @Test
    void writesWhatItReads() {
        for (String s : new String[] {"500ms", "30s", "1m30s", "2h", "0s", "1h1ms"}) {
            assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
        }
    }
}
