package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An app spec file as {@code baton up} reads it: the app spec proper, plus an optional top-level
 * {@code version} (the version to deploy on a fresh start), which belongs to the control plane rather than
 * to the spec and is taken out before the spec is validated.
 */
public record SpecFile(AppSpec spec, String version) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * Reads and validates a spec file.
     *
     * @throws SpecException listing every problem, each with its field path
     * @throws IOException when the file cannot be read
     */
    public static SpecFile load(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static SpecFile parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            return new SpecFile(AppSpec.parse(yaml), null); // AppSpec reports the YAML error with its line
        }
        if (!(root instanceof ObjectNode obj) || !obj.has("version")) {
            return new SpecFile(AppSpec.parse(yaml), null);
        }
        JsonNode v = obj.remove("version");
        String version = v.isValueNode() ? v.asText() : null;
        String rest;
        try {
            rest = YAML.writeValueAsString(obj);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        AppSpec spec;
        try {
            spec = AppSpec.parse(rest);
        } catch (SpecException e) {
            if (version == null || !VERSION.matcher(version).matches()) {
                throw new SpecException(concat(versionError(v), e.errors()));
            }
            throw e;
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new SpecException(List.of(versionError(v)));
        }
        return new SpecFile(spec, version);
    }

    private static String versionError(JsonNode v) {
        return "version: must be 1-64 letters, digits, '.', '_' or '-', got " + (v.isTextual() ? "'" + v.asText() + "'" : v.toString());
    }

    private static List<String> concat(String first, List<String> rest) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
