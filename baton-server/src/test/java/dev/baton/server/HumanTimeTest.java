package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class HumanTimeTest {
    private final HumanTime time = new HumanTime(Clock.fixed(Instant.parse("2026-12-01T13:03:07.123456789Z"),
            ZoneId.of("Europe/Paris")));

    @Test
    void todayIsAWallClockTimeInTheLocalZoneWithoutNanosAndAnotherDayHasItsDate() {
        assertThat(time.at(TextNode.valueOf("2026-12-01T13:03:07.123456789Z"))).isEqualTo("14:03:07");
        assertThat(time.at(TextNode.valueOf("2026-11-30T08:00:00Z"))).isEqualTo("2026-11-30 09:00:00");
        assertThat(time.at(NullNode.getInstance())).isEqualTo("-");
    }

    @Test
    void timeLeftIsInSecondsMinutesOrHours() {
        assertThat(time.until(TextNode.valueOf("2026-12-01T13:03:30.123456789Z"))).isEqualTo("23 s");
        assertThat(time.until(TextNode.valueOf("2026-12-01T13:07:17.123456789Z"))).isEqualTo("4 m 10 s");
        assertThat(time.until(TextNode.valueOf("2026-12-01T14:08:07.123456789Z"))).isEqualTo("1 h 5 m");
        assertThat(time.until(TextNode.valueOf("2026-12-01T13:00:00Z"))).isEqualTo("now");
        assertThat(HumanTime.span(Duration.ofMinutes(2))).isEqualTo("2 m");
    }
}
