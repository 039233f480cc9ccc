package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.proof.HttpLoad;
import dev.baton.proof.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Rollouts that go wrong, against a real control plane ({@code baton up} in its own JVM) with TestApp instances
 * as real processes, driven with the {@code baton} commands an operator would type.
 */
@Tag("process")
class FailingRolloutProcessTest extends LiveHomeTest {
    private ControlPlaneProcess cp;


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
    void rollbackOfABlueGreenWaitingForPromotionCompletesWithNoPromoteAndNoFailedRequest() throws Exception {
        upWithV1("""
                instances: 2
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                strategy: { type: blue-green, auto_promote: false, scale_down_delay: 1s }
                """);
        String home = live.home.dir().toString();
        assertThat(Cli.run("deploy", "v2", "--no-wait", "--home", home).code()).isZero();
        await().atMost(START).until(() -> cp.client().status().path("instances").findValuesAsText("version").stream()
                .filter("v2"::equals).count() == 2 && readyOf("v2") == 2);
        assertThat(Cli.run("promote", "--home", home).code()).isZero();
        await().atMost(START).until(() -> "v2".equals(cp.client().status().path("stableVersion").asText(null)));

        Cli rollback;
        try (HttpLoad load = LiveHome.steadyLoad(live.trafficPort)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ended(Outcome.OK) >= 20);
            rollback = Cli.run("rollback", "--timeout", "2", "--home", home);
            await().atMost(Duration.ofSeconds(30)).until(() -> load.answeredBy("v1") >= 20);
            assertThat(load.stop().notOk()).as("requests not answered OK of %d sent", load.sent()).isEmpty();
        }

        assertThat(rollback.code()).as(rollback.out() + rollback.err()).isZero();
        assertThat(rollback.out()).contains("rolling back to v1 (revision 1)").contains("SUCCEEDED");
        var status = cp.client().status();
        assertThat(status.path("stableVersion").asText()).isEqualTo("v1");
        assertThat(status.path("instances").findValuesAsText("version")).containsOnly("v1");
        var last = cp.client().get("/v1/rollouts?limit=1").get(0);
        assertThat(last.path("rollbackTo").asLong()).isEqualTo(1);
        var events = cp.client().get("/v1/rollouts/" + last.path("id").asText()).path("events");
        assertThat(events.findValuesAsText("step")).doesNotContain("promote");
        assertThat(Cli.run("history", "--home", home).out()).contains("rollback to 1");

        // A rollout in progress (v3 waiting for promotion) is aborted by a rollback; what it was is no way back.
        assertThat(Cli.run("deploy", "v3", "--no-wait", "--home", home).code()).isZero();
        Cli abort = Cli.run("rollback", "--timeout", "2", "--home", home);
        assertThat(abort.code()).as(abort.out() + abort.err()).isZero();
        assertThat(abort.out()).contains("ROLLED_BACK");
        long v3 = cp.client().get("/v1/rollouts?limit=1").get(0).path("revision").asLong();
        Cli refused = Cli.run("rollback", Long.toString(v3), "--home", home);
        assertThat(refused.code()).isEqualTo(BatonCommand.EXIT_REFUSED);
        assertThat(refused.err()).contains("revision " + v3 + " (v3) did not succeed (ROLLED_BACK");
    }

    private long readyOf(String version) {
        long n = 0;
        for (var i : cp.client().status().path("instances")) {
            if (i.path("version").asText().equals(version) && i.path("state").asText().equals("READY")) {
                n++;
            }
        }
        return n;
    }


    @Test
    void runCommandThatDoesNotExistIsRolledBackAfterThreeStartsQuotingTheShellInTheReason() throws Exception {
        upWithV1("""
                instances: 2
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                """);
        long t0 = System.nanoTime();

        Cli deploy = Cli.run("deploy", "v2", "--env", "APP_BIN=/nonexistent/bin/myserver", "--home", live.home.dir().toString());

        assertThat(deploy.code()).as(deploy.out() + "\n" + deploy.err()).isEqualTo(BatonCommand.EXIT_ROLLED_BACK);
        assertThat(deploy.out()).contains("ROLLED_BACK")
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
