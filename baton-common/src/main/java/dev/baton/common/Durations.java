package dev.baton.common;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way Baton reads and writes a duration, wherever a person types one: the app spec, every
 * command-line option and environment variable, the worker's and the proxy's settings. A number
 * with a unit — {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} — combinable ({@code 1m30s}),
 * {@code 0}, or ISO-8601 ({@code PT30S}).
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,9}(?:ms|s|m|h))+");

    /** What a user may write, for error messages. */
    public static final String ALLOWED = "a number with a unit ms, s, m or h, e.g. 500ms, 30s, 5m, 1m30s (or ISO PT30S)";

    private Durations() {}

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming what is allowed when the text is not a duration
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (WHOLE.matcher(t).matches()) {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(t);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                });
            }
            return total;
        }
        if (t.length() > 2 && (t.charAt(0) == 'P' || t.charAt(0) == 'p')) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("not a duration '" + text + "'; use " + ALLOWED);
    }

    /**
     * Parses a duration given as {@code field}.
     *
     * @throws IllegalArgumentException starting with {@code field}, naming what is allowed
     */
    public static Duration parse(String field, String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
    }

    /**
     * One unit only ({@code 90s}, {@code 1500ms}): the form for values handed to other programs, such
     * as an instance's {@code BATON_JOBS_HARD}.
     */
    public static String oneUnit(Duration d) {
        return d.getNano() == 0 ? d.getSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Prints a duration the way a person writes it ({@code 1m30s}, {@code 500ms}, {@code 0s}). */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long h = d.toHours();
        int m = d.toMinutesPart();
        int s = d.toSecondsPart();
        int ms = d.toMillisPart();
        if (h > 0) b.append(h).append('h');
        if (m > 0) b.append(m).append('m');
        if (s > 0) b.append(s).append('s');
        if (ms > 0) b.append(ms).append("ms");
        return b.isEmpty() ? d.toString() : b.toString(); // under a millisecond: ISO, which parse reads too
    }
}
