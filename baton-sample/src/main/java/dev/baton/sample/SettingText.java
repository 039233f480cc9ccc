package dev.baton.sample;

import dev.baton.common.Durations;
import java.time.Duration;
import java.util.Locale;

/** Reads setting values as people write them; every error names the setting and what it accepts. */
final class SettingText {

    private SettingText() {}

    /** A fraction within 0..1, e.g. {@code 0.2}. */
    static double fraction(String name, String text) {
        try {
            double d = Double.parseDouble(text.strip());
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": must be a fraction within 0..1 (e.g. 0.2), got '" + text + "'");
    }

    /** Whole milliseconds within {@code min..max}. */
    static long millis(String name, String text, long min, long max) {
        try {
            long n = Long.parseLong(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": must be whole milliseconds within " + min + ".." + max
                + ", got '" + text + "'");
    }

    /** A whole number within {@code min..max}. */
    static int integer(String name, String text, int min, int max) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": must be a whole number within " + min + ".." + max + ", got '"
                + text + "'");
    }

    /** {@code true} or {@code false}, nothing else. */
    static boolean bool(String name, String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + ": must be true or false, got '" + text + "'");
        };
    }

    /** A duration as the worker runtime reads one ({@code 500ms}, {@code 20s}, {@code 2m}, {@code PT20S}), within 0..1 day. */
    static Duration duration(String name, String text) {
        Duration d = Durations.parse(name, text);
        if (d.isNegative() || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(name + ": must be a duration within 0..1d like 500ms, 20s, 2m, 1h or "
                    + "PT20S, got '" + text + "'");
        }
        return d;
    }
}
