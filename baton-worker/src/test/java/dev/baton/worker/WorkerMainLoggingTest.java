package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.queue.TestDatabase;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone worker as a launcher starts it, with logback on the classpath and no logging configuration: the
 * started line is on standard output, the log goes to standard error at INFO, and the connection pool's DEBUG
 * configuration dump is nowhere.
 */
@Tag("process")
class WorkerMainLoggingTest {
    @TempDir
    Path dir;

    @Test
    void withoutALoggingConfigurationTheWorkerLogsAtInfoToStandardErrorAndPrintsItsStartedLine() throws Exception {
        // The test classpath minus the queue's test classes, whose logback-test.xml would configure logback.
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !(e.contains("baton-queue") && (e.contains("test-classes") || e.endsWith("-tests.jar"))))
                .collect(Collectors.joining(File.pathSeparator));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", classpath, WorkerMain.class.getName(),
                "--handlers", TestHandlers.class.getName(), "--health-port", "-1"))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("BATON_DATABASE_URL", TestDatabase.config().urlWithCredentials());
        Process p = pb.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains(WorkerMain.STARTED));
        } finally {
            p.destroy();
            p.waitFor();
        }
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        assertThat(stdout.lines()).as("standard output: the started line only").allMatch(l -> l.startsWith(WorkerMain.STARTED));
        assertThat(stderr).contains(" INFO ").doesNotContain(" DEBUG ").doesNotContain("HikariConfig");
    }
}
