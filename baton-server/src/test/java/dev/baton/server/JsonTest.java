package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonTest {

    record Timed(Instant at, Duration took) {}

    @Test
    void timesAreIsoTextAndDurationsAreWrittenAsTheSpecWritesThemAndReadBack() throws Exception {
        Timed t = new Timed(Instant.parse("2026-12-01T02:03:04.567Z"), Duration.ofSeconds(90));

        String json = Json.write(t);

        assertThat(json).isEqualTo("{\"at\":\"2026-12-01T02:03:04.567Z\",\"took\":\"1m30s\"}");
        assertThat(Json.MAPPER.readValue(json, Timed.class)).isEqualTo(t);
    }
}
