package dev.baton.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ordered maps for manifests and their YAML text: one document per object, each after its comment lines. */
final class KubeYaml {
    private static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // "8080" and "true" stay strings: env values must be strings, and a bare 8080 would be a number
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    private KubeYaml() {}

    /** A map that keeps the order of its keys: {@code map("name", "web", "port", 8080)}. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return m;
    }

    /** One object with the comment lines that explain it. */
    record Document(List<String> comments, Map<String, Object> object) {
        Document {
            comments = List.copyOf(comments);
        }
    }

    static String write(List<Document> documents) {
        StringBuilder out = new StringBuilder();
        for (Document d : documents) {
            out.append("---\n");
            for (String c : d.comments()) {
                for (String line : c.split("\n")) {
                    out.append(line.isEmpty() ? "#" : "# " + line).append('\n');
                }
            }
            try {
                out.append(MAPPER.writeValueAsString(d.object()));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out.toString();
    }
}
