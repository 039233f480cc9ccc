package dev.baton.common;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a version of the service ({@code v2}, {@code 2024.06.1-rc_1}): the one place its rule lives. A
 * version name travels in route tables, URLs, headers, file names, metric labels and environment variables, so it
 * is 1-64 letters, digits, {@code .}, {@code _} or {@code -}, and nothing else.
 */
public record Version(String name) {

    /** The rule, as error messages say it: "{field}: must be {RULE}, got …". */
    public static final String RULE = "1-64 letters, digits, '.', '_' or '-'";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public Version {
        check("version", name);
    }

    /** Whether {@code name} follows the rule. */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * {@code name}, when it follows the rule.
     *
     * @throws IllegalArgumentException "{field}: must be 1-64 letters, …, got 'x y'"
     */
    public static String check(String field, String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(problem(field, name));
        }
        return name;
    }

    /** The one-line error for {@code name} given as {@code field}: the field, the rule and what was given. */
    public static String problem(String field, String name) {
        Objects.requireNonNull(field, "field");
        return field + ": must be " + RULE + ", got " + (name == null ? "nothing" : "'" + name + "'");
    }

    @Override
    public String toString() {
        return name;
    }
}
