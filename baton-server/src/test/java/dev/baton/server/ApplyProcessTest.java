package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code baton apply} and {@code deploy --set} against a real control plane: what they show, what they refuse, and
 * that the deploys use them.
 */
@Tag("process")
class ApplyProcessTest extends LiveHomeTest {


    @Test
    void appliedSpecIsShownFieldByFieldAndTheNextDeployUsesItWhileOtherAppsAndNewPortsAreRefused() throws Exception {
        live = new LiveHome("baton-apply-test");
        String common = """
                instances: 1
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                """;
        ControlPlaneProcess cp = live.controlPlane(live.spec("version: v1\n" + common)).start();
        cp.awaitApi(START);
        await().atMost(START).until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null)));
        String home = live.home.dir().toString();
        Path blueGreen = live.spec("blue-green.yaml", live.appRun(""),
                common + "strategy: { type: blue-green, auto_promote: false, scale_down_delay: 1s }\n");

        Cli dry = Cli.run("apply", blueGreen.toString(), "--dry-run", "--home", home);
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("would change for shop:").contains("strategy.type: rolling → blue-green")
                .contains("strategy.auto_promote: (none) → false").contains("nothing applied");
        Cli applied = Cli.run("apply", blueGreen.toString(), "--home", home);
        assertThat(applied.code()).isZero();
        assertThat(applied.out()).contains("applied: the next deploy uses it");
        assertThat(Cli.run("apply", blueGreen.toString(), "--home", home).out()).contains("no changes");

        Cli rolling = Cli.run("apply", live.spec("rolling.yaml", live.appRun(""), common).toString(), "--home", home);
        assertThat(rolling.out()).contains("strategy.type: blue-green → rolling");
        Files.writeString(live.dir.resolve("billing.yaml"), Files.readString(blueGreen)
                .replace("app: shop", "app: billing"));
        Cli billing = Cli.run("apply", live.dir.resolve("billing.yaml").toString(), "--home", home);
        assertThat(billing.code()).isEqualTo(BatonCommand.EXIT_REFUSED);
        assertThat(billing.err()).contains("app: this spec is for 'billing', but this control plane runs 'shop'");
        Files.writeString(live.dir.resolve("bad.yaml"), Files.readString(blueGreen)
                .replace("instances: 1", "instances: 0"));
        Cli bad = Cli.run("apply", live.dir.resolve("bad.yaml").toString(), "--home", home);
        assertThat(bad.code()).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(bad.err()).contains("instances: must be 1..100, got 0");

        // Refused specs changed nothing: rolling is in use; apply blue-green again, and the next deploy uses it.
        assertThat(Cli.run("apply", blueGreen.toString(), "--home", home).out()).contains("strategy.type: rolling → blue-green");
        assertThat(Cli.run("deploy", "v2", "--no-wait", "--home", home).code()).isZero();
        await().atMost(START).until(() -> cp.client().status().path("rollout").path("waiting").asText("").contains("promote"));
        assertThat(cp.client().status().path("rollout").path("strategy").asText()).isEqualTo("blue-green");
        assertThat(Cli.run("promote", "--home", home).code()).isZero();
        await().atMost(START).until(() -> "v2".equals(cp.client().status().path("stableVersion").asText(null)));

        // One-off settings for one deploy: validated like the spec, and the applied spec stays as it was.
        Cli badSet = Cli.run("deploy", "v3", "--set", "strategy.auto_promote=maybe", "--home", home);
        assertThat(badSet.code()).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(badSet.err()).contains("strategy.auto_promote: must be true or false, got 'maybe'");
        Cli set = Cli.run("deploy", "v3", "--set", "strategy.auto_promote=true", "--timeout", "2", "--home", home);
        assertThat(set.code()).as(set.out() + set.err()).isZero();
        assertThat(set.out()).contains("SUCCEEDED");
        assertThat(Cli.run("apply", blueGreen.toString(), "--dry-run", "--home", home).out()).contains("no changes");
    }
}
