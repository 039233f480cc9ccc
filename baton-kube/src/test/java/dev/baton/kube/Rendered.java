package dev.baton.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.baton.rollout.AppSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** A render parsed back as YAML, with the paths the tests look at. */
record Rendered(String text, List<JsonNode> documents) {
    private static final YAMLMapper YAML = new YAMLMapper();

    static Rendered of(AppSpec spec, KubeOptions options) {
        return parse(KubeManifests.render(spec, options));
    }

    static Rendered parse(String text) {
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            return new Rendered(text, it.readAll());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode kind(String kind) {
        return documents.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in\n" + text));
    }

    JsonNode podSpec() {
        return kind("Deployment").path("spec").path("template").path("spec");
    }

    JsonNode container() {
        return podSpec().path("containers").get(0);
    }

    /** The env entry of that name, or a missing node. */
    JsonNode env(String name) {
        for (JsonNode e : container().path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
