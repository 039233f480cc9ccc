package dev.baton.rollout;

import dev.baton.common.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One-off changes to single fields of a spec, as {@code baton deploy --set strategy.auto_promote=false} gives them:
 * each a path in the spec's own words and a value, checked against the field's kind (true/false, a whole number, a
 * duration, text) and then validated with the whole spec. A field that holds a section or a list (strategy
 * {@code type}, canary {@code steps}, amounts such as {@code max_surge}) is changed with {@code baton apply}.
 */
final class SpecSettings {
    private SpecSettings() {}

    /** {@code spec} with {@code settings} applied; every problem is reported at once, each naming its path. */
    static AppSpec apply(AppSpec spec, Map<String, String> settings) {
        ObjectNode tree = RolloutStateJson.MAPPER.valueToTree(spec);
        List<String> errors = new ArrayList<>();
        settings.forEach((path, value) -> set(tree, path, value, errors));
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        try {
            return RolloutStateJson.MAPPER.treeToValue(tree, AppSpec.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new SpecException(List.of(cause instanceof IllegalArgumentException ? cause.getMessage()
                    : "--set: " + e.getOriginalMessage()));
        }
    }

    private static void set(ObjectNode tree, String path, String value, List<String> errors) {
        String[] parts = path.split("\\.");
        ObjectNode parent = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = parent.get(camel(parts[i]));
            if (next == null || !next.isObject()) {
                errors.add(path + ": no such section in the spec");
                return;
            }
            parent = (ObjectNode) next;
        }
        String field = camel(parts[parts.length - 1]);
        boolean type = parts[parts.length - 1].equals("type");
        if (type || !parent.has(field) && parent != tree.get("env")) {
            errors.add(path + ": " + (type ? "the strategy type changes with --strategy or 'baton apply'"
                    : "no such field (--set changes one field of the spec in use)"));
            return;
        }
        JsonNode old = parent.get(field);
        try {
            if (old == null || old.isNull() || old.isTextual() && !isDuration(old)) {
                parent.put(field, value);
            } else if (old.isBoolean()) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException("must be true or false");
                }
                parent.put(field, Boolean.parseBoolean(value));
            } else if (old.isIntegralNumber()) {
                parent.put(field, Integer.parseInt(value));
            } else if (isDuration(old)) {
                parent.put(field, Durations.parse(value).toString());
            } else {
                throw new IllegalArgumentException("is a section or a list; change it with 'baton apply'");
            }
        } catch (NumberFormatException e) {
            errors.add(path + ": must be a whole number, got '" + value + "'");
        } catch (IllegalArgumentException e) {
            errors.add(path + ": " + e.getMessage() + (e.getMessage().startsWith("not a duration") ? "" : ", got '" + value + "'"));
        }
    }

    private static boolean isDuration(JsonNode n) {
        if (!n.isTextual() || !n.asText().startsWith("P")) {
            return false;
        }
        try {
            Duration.parse(n.asText());
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
