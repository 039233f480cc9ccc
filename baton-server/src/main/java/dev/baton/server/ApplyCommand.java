package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton apply SPEC}: a changed spec for the running app, validated as {@code up} validates it, shown field by
 * field, and taken for the next deploys (nothing running changes). Refused for another app's spec, and for a new
 * {@code listen} or preview port (those need a new proxy).
 */
@Command(name = "apply", description = "Validate a changed app spec, show what changes, and use it from the next deploy.")
final class ApplyCommand implements Callable<Integer> {
    @Mixin
    CommonOptions o;

    @Parameters(paramLabel = "SPEC", description = "The app spec (YAML).")
    Path file;

    @Option(names = "--dry-run", description = "Only validate and show what would change.")
    boolean dryRun;

    @Override
    public Integer call() {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw ApiException.badRequest("SPEC: cannot read " + file + ": " + (Files.exists(file) ? e.getMessage() : "no such file"));
        }
        SpecFile.parse(yaml); // invalid: every problem listed with its field, exit 2, before asking the control plane
        JsonNode r = o.client().post("/v1/spec", Map.of("spec", yaml, "dryRun", dryRun));
        if (o.json) {
            o.printJson(r);
            return 0;
        }
        if (r.path("changes").isEmpty()) {
            o.out().println("no changes: " + file + " is the spec in use");
            return 0;
        }
        o.out().println((dryRun ? "would change" : "changes") + " for " + r.path("app").asText() + ":");
        r.path("changes").forEach(c -> o.out().println("  " + c.asText()));
        o.out().println(dryRun ? "nothing applied (--dry-run)"
                : "applied: the next deploy uses it; nothing running was changed");
        return 0;
    }
}
