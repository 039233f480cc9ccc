package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rollouts that go wrong, against a real control plane ({@code baton up} in its own JVM) with TestApp instances
 * as real processes, driven with the {@code baton} commands an operator would type.
 */
class FailingRolloutProcessTest {
    private static final Duration START = Duration.ofMinutes(2);
    private LiveHome live;
    private ControlPlaneProcess cp;

    @AfterEach
    void reap() throws Exception {
        if (live != null) {
            live.close();
        }
    }

    /** v1 running; {@code APP_BIN} in a deploy's env replaces the java binary of the instances' command line. */
    private void upWithV1(String rest) throws Exception {
        live = new LiveHome("baton-failing-rollout-test");
        String run = "$APP_BIN" + live.appRun("").substring(ProxyProcess.javaBinary().length());
        cp = live.controlPlane(live.spec("shop.yaml", run, "version: v1\nenv: { APP_BIN: " + ProxyProcess.javaBinary()
                + " }\n" + rest)).start();
        cp.awaitApi(START);
        await().atMost(START).until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null)));
    }

    @Test
    void runCommandThatDoesNotExistIsRolledBackAfterThreeStartsQuotingTheShellInTheReason() throws Exception {
        upWithV1("""
                instances: 2
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                """);
        long t0 = System.nanoTime();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BatonCommand.execute(new PrintWriter(out), new PrintWriter(err), "deploy", "v2",
                "--env", "APP_BIN=/nonexistent/bin/myserver", "--home", live.home.dir().toString());

        assertThat(code).as(out + "\n" + err).isEqualTo(BatonCommand.EXIT_ROLLED_BACK);
        assertThat(out.toString()).contains("ROLLED_BACK")
                .contains("3 instances in a row exited before they were ready")
                .contains("exited with code 127")
                .contains("/nonexistent/bin/myserver: not found");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the back-off is 1 s, then 2 s")
                .isLessThan(Duration.ofSeconds(60));
        try (Stream<Path> logs = Files.list(live.home.logsDir())) {
            assertThat(logs.filter(f -> f.getFileName().toString().startsWith("shop-v2-"))).as("v2 instances started").hasSize(3);
        }
        var status = cp.client().status();
        assertThat(status.path("stableVersion").asText()).isEqualTo("v1");
        assertThat(status.path("instances").findValuesAsText("version")).containsExactly("v1", "v1");
        assertThat(status.path("instances").findValuesAsText("state")).containsOnly("READY");
    }
}
