package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Times as an operator reads them: {@code 14:03:07} today (local time), a date before that, {@code 23 s} left. */
final class HumanTime {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Clock clock;

    HumanTime(Clock clock) {
        this.clock = clock;
    }

    static HumanTime local() {
        return new HumanTime(Clock.systemDefaultZone());
    }

    /** An ISO instant from the API as local wall time; "-" when absent, the text itself when not an instant. */
    String at(JsonNode iso) {
        Instant t = instant(iso);
        if (t == null) {
            return iso == null || iso.isNull() || iso.isMissingNode() ? "-" : iso.asText();
        }
        ZonedDateTime z = t.atZone(clock.getZone());
        return z.toLocalDate().equals(LocalDate.now(clock)) ? TIME.format(z) : DATE_TIME.format(z);
    }

    /** The wall time now, as {@link #at} shows it. */
    String now() {
        return TIME.format(ZonedDateTime.now(clock));
    }

    /** How long until an ISO instant: {@code 23 s}, {@code 4 m 10 s}, {@code 1 h 5 m}; {@code now} once passed. */
    String until(JsonNode iso) {
        Instant t = instant(iso);
        return t == null ? "-" : span(Duration.between(clock.instant(), t));
    }

    static String span(Duration d) {
        long s = Math.max(0, (d.toMillis() + 999) / 1000);
        if (s == 0) {
            return "now";
        }
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " m" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " m");
    }

    private static Instant instant(JsonNode iso) {
        if (iso == null || !iso.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(iso.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
