package dev.baton.rollout;

import dev.baton.common.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads typed fields out of a YAML tree, collecting every problem (path + what is allowed) instead of
 * stopping at the first. A getter returns null when the field is absent or wrong; check {@link #errors()}.
 */
final class SpecReader {
    private final List<String> errors = new ArrayList<>();

    List<String> errors() {
        return errors;
    }

    void error(String path, String message) {
        errors.add(path + ": " + message);
    }

    static String path(String parent, String field) {
        return parent.isEmpty() ? field : parent + "." + field;
    }

    /** Reports every field of {@code node} not in {@code allowed}. */
    void allowOnly(JsonNode node, String path, List<String> allowed, String context) {
        Set<String> ok = Set.copyOf(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ok.contains(f)) {
                error(path(path, f), "unknown field" + context + "; allowed: " + String.join(", ", allowed));
            }
        }
    }

    /** The object at {@code field}, or null (absent, or reported when not an object). */
    JsonNode object(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            error(path, "must be a mapping of fields, got " + describe(n));
            return null;
        }
        return n;
    }

    String string(JsonNode parent, String field, String path, boolean required) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                error(path, "required");
            }
            return null;
        }
        if (!n.isValueNode() || n.isBinary()) {
            error(path, "must be a text value, got " + describe(n));
            return null;
        }
        return n.asText();
    }

    Integer integer(JsonNode parent, String field, String path, int min, int max) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            error(path, "must be " + min + ".." + max + ", got " + describe(n));
            return null;
        }
        return n.intValue();
    }

    Boolean bool(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            error(path, "must be true or false, got " + describe(n));
            return null;
        }
        return n.booleanValue();
    }

    Duration duration(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber() && n.longValue() == 0) {
            return Duration.ZERO;
        }
        if (!n.isTextual()) {
            error(path, "must be a duration (" + Durations.ALLOWED + "), got " + describe(n));
            return null;
        }
        try {
            return Durations.parse(n.asText());
        } catch (IllegalArgumentException e) {
            error(path, "must be a duration (" + Durations.ALLOWED + "), got '" + n.asText() + "'");
            return null;
        }
    }

    /** A percentage written {@code 1%}, {@code 0.5%} or as a bare number of percent; returned as a fraction 0..1. */
    Double percent(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        double p;
        if (n.isNumber()) {
            p = n.doubleValue();
        } else if (n.isTextual() && n.asText().trim().matches("\\d+(\\.\\d+)?%?")) {
            p = Double.parseDouble(n.asText().trim().replace("%", ""));
        } else {
            error(path, "must be a percentage 0%..100% such as 1% or 0.5%, got " + describe(n));
            return null;
        }
        if (p < 0 || p > 100) {
            error(path, "must be a percentage 0%..100%, got " + describe(n));
            return null;
        }
        return p / 100.0;
    }

    /** An instance count written as a whole number or a percentage ({@code 25%}). */
    Amount amount(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber() && n.canConvertToInt() && n.intValue() >= 0 && n.intValue() <= 1000) {
            return Amount.of(n.intValue());
        }
        if (n.isTextual() && n.asText().trim().matches("\\d{1,3}%")) {
            int p = Integer.parseInt(n.asText().trim().replace("%", ""));
            if (p <= 100) {
                return Amount.percent(p);
            }
        }
        error(path, "must be a whole number 0..1000 or a percentage 0%..100% such as 25%, got " + describe(n));
        return null;
    }

    static String describe(JsonNode n) {
        if (n.isTextual()) {
            return "'" + n.asText() + "'";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        return n.toString();
    }
}
