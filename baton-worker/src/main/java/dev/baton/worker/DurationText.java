package dev.baton.worker;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them on a command line or in an environment variable: {@code 500ms},
 * {@code 20s}, {@code 2m}, {@code 1h}, or ISO {@code PT20S}. Apps that embed the worker read their own
 * settings with it too, so one spelling works everywhere.
 */
public final class DurationText {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

    private DurationText() {}

    /** @throws IllegalArgumentException starting with {@code field} and naming the accepted forms */
    public static Duration parse(String field, String text) {
        String t = text.strip();
        Matcher m = SHORT.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(t);
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(field + ": expected a duration like 500ms, 20s, 2m, 1h or PT20S, got '"
                    + text + "'");
        }
    }
}
