package dev.baton.server;

import dev.baton.rollout.AppSpec;
import dev.baton.rollout.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An app spec file as {@code baton up} reads it: the app spec, plus its optional top-level {@code version}
 * (the version to deploy on a fresh start), both validated by {@link AppSpec#parseVersioned}.
 */
public record SpecFile(AppSpec spec, String version) {

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
        AppSpec.Versioned v = AppSpec.parseVersioned(yaml);
        return new SpecFile(v.spec(), v.version());
    }
}
