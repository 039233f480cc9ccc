package dev.baton.rollout;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the durations of the app spec: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1m30s}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,9}(?:ms|s|m|h))+");

    /** What a user may write, for error messages. */
    public static final String ALLOWED = "a number with a unit ms, s, m or h, e.g. 500ms, 30s, 5m, 1m30s";

    private Durations() {}

    /**
     * Parses a spec duration.
     *
     * @throws IllegalArgumentException naming what is allowed when the text is not a duration
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("not a duration '" + text + "'; use " + ALLOWED);
        }
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

    /**
     * One unit only ({@code 90s}, {@code 1500ms}): the form for values handed to other programs, such
     * as an instance's {@code BATON_JOBS_HARD}, which every duration parser in Baton reads.
     */
    public static String oneUnit(Duration d) {
        return d.getNano() == 0 ? d.getSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Prints a duration the way the spec writes it ({@code 1m30s}, {@code 500ms}). */
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
        return b.toString();
    }
}
