package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code baton status} against a real control plane in the middle of a canary: what it says, in which words and
 * times, after a control-plane restart too; and {@code --watch} in a real pseudo-terminal ({@code script}) and
 * into a pipe.
 */
@Tag("process")
class StatusProcessTest extends LiveHomeTest {
    private static final Pattern ISO = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d");


    @Test
    void statusSaysTheStepTheTrafficThePauseLeftAndTheDeadlineAndWatchRedrawsOnlyOnATerminal() throws Exception {
        live = new LiveHome("baton-status-test");
        ControlPlaneProcess cp = live.controlPlane(live.spec("""
                version: v1
                instances: 2
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                strategy: { type: canary, steps: [ {weight: 50, pause: 10m}, {weight: 100} ] }
                """)).start();
        cp.awaitApi(START);
        await().atMost(START).until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null)));
        String home = live.home.dir().toString();

        assertThat(Cli.run("deploy", "v2", "--no-wait", "--home", home).code()).isZero();
        await().atMost(START).until(() -> cp.client().status().path("rollout").path("weights").path("v2").asInt() == 50);

        Cli status = Cli.run("status", "--home", home);
        assertThat(status.out()).contains("shop: stable v1; traffic: v1 50%, v2 50%")
                .contains("now: step 1/2, 1/1 of v2 ready, pause ").contains(" left (until ")
                .contains("progress deadline in ");
        assertThat(ISO.matcher(status.out()).find()).as("times are wall-clock, not ISO:\n%s", status.out()).isFalse();

        String tty = watch(true);
        assertThat(tty.split(Pattern.quote(Watch.REDRAW), -1)).as("redraws in place").hasSizeGreaterThanOrEqualTo(3);
        String pipe = watch(false);
        assertThat(pipe).doesNotContain("\033[");
        assertThat(pipe.lines().filter(l -> l.startsWith("--- "))).as("appended").hasSizeGreaterThanOrEqualTo(2);

        // A control plane started again resumes the canary: status still knows what runs and what is under way.
        cp.kill();
        cp.start().awaitApi(START);
        await().atMost(START).untilAsserted(() -> assertThat(Cli.run("status", "--home", home).out())
                .contains("shop: stable v1; traffic: v1 50%, v2 50%").contains("PROGRESSING").contains("now: step 1/2"));
    }

    /** {@code baton status --watch} for about five seconds, in a pseudo-terminal or into a pipe; what it printed. */
    private String watch(boolean terminal) throws Exception {
        String java = ProxyProcess.javaBinary() + " -cp " + ControlPlaneProcessTest.testClasspath() + " "
                + BatonCommand.class.getName() + " status --watch --home " + live.home.dir();
        Path out = Files.createTempFile(live.dir, "watch", ".txt");
        List<String> cmd = new ArrayList<>(List.of("setsid"));
        cmd.addAll(terminal ? List.of("script", "-qfec", java, "/dev/null") : List.of("sh", "-c", java));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(out).split("INSTANCE", -1).length >= 4);
        } finally {
            new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).start().waitFor(5, TimeUnit.SECONDS);
            p.waitFor(10, TimeUnit.SECONDS);
        }
        return Files.readString(out);
    }
}
