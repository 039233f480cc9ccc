package dev.baton.rollout;

import dev.baton.common.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What changes between two app specs, one line per field in the spec's own words:
 * {@code strategy.auto_promote: true → false}, {@code drain.jobs_soft: 20s → 10s}, {@code env.MODE: (none) → prod}.
 */
public final class SpecDiff {
    private SpecDiff() {}

    public static List<String> between(AppSpec before, AppSpec after) {
        Map<String, String> a = flatten(before);
        Map<String, String> b = flatten(after);
        Map<String, String> keys = new TreeMap<>();
        a.keySet().forEach(k -> keys.put(k, k));
        b.keySet().forEach(k -> keys.put(k, k));
        List<String> out = new ArrayList<>();
        for (String k : keys.keySet()) {
            String x = a.getOrDefault(k, "(none)");
            String y = b.getOrDefault(k, "(none)");
            if (!x.equals(y)) {
                out.add(k + ": " + x + " → " + y);
            }
        }
        return out;
    }

    private static Map<String, String> flatten(AppSpec spec) {
        Map<String, String> out = new TreeMap<>();
        flatten("", RolloutStateJson.MAPPER.valueToTree(spec), out);
        return out;
    }

    private static void flatten(String path, JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey().equals("@type") ? "type" : path.equals("env") ? e.getKey() : snake(e.getKey());
                flatten(path.isEmpty() ? name : path + "." + name, e.getValue(), out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(path + "[" + i + "]", n.get(i), out);
            }
        } else if (!n.isNull()) {
            out.put(path, value(n));
        }
    }

    /** Field names as the spec writes them; env names are kept as they are. */
    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String value(JsonNode n) {
        if (n.isTextual() && n.asText().startsWith("P")) {
            try {
                return Durations.format(Duration.parse(n.asText()));
            } catch (DateTimeParseException e) {
                return n.asText();
            }
        }
        return n.asText();
    }
}
