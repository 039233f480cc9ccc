package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own checker for the text exposition format, {@code promtool check metrics}: it parses with
 * Prometheus' parser and lints (empty HELP, counters without {@code _total}, …). Installed by
 * {@code scripts/test-tools} when missing.
 */
final class Promtool {

    private Promtool() {}

    /** Fails the test with promtool's findings unless {@code exposition} (from {@code source}) is clean. */
    static void assertValid(String source, String exposition) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics on %s:%n%s%n--- the text:%n%s", source, out, exposition)
                .isZero();
    }

    private static String binary() throws IOException, InterruptedException {
        if (onPath()) {
            return "promtool";
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("scripts/test-tools");
            if (Files.isExecutable(script)) {
                new ProcessBuilder(script.toString()).inheritIO().start().waitFor(10, TimeUnit.MINUTES);
                break;
            }
        }
        assertThat(onPath()).as("promtool is needed (scripts/test-tools installs it: Debian package prometheus)")
                .isTrue();
        return "promtool";
    }

    private static boolean onPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
                return true;
            }
        }
        return false;
    }
}
