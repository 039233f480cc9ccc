package dev.baton.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.rollout.AppSpec;
import dev.baton.common.Durations;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubeManifestsTest {
    static final String IMAGE = "registry.example.com/shop:v42";

    static AppSpec spec(String extra) {
        return AppSpec.parse("""
                app: shop
                listen: 8080
                instances: 3
                run: "java -jar /app/shop.jar --port {port} --version {version}"
                web: { readiness: /health/ready, liveness: /health/live }
                """ + extra);
    }

    static Rendered render(String extra) {
        return Rendered.of(spec(extra), KubeOptions.of("shop", IMAGE));
    }

    @ParameterizedTest(name = "drain timeout={0} soft={1} hard={2}, preStop={3}")
    @CsvSource({
            "30s, 20s, 25s, 10s",
            "5s, 1m, 2m, 10s",
            "2m, 10s, 10s, 10s",
            "0, 0, 0, 0s",
            "1500ms, 2500ms, 2700ms, 3500ms",
            "10m, 9m59s, 10m, 5m"})
    void sigkillNeverLandsWhileTheRuntimeIsInsideADeadlineItWasGiven(String timeout, String soft, String hard,
                                                                     String preStop) {
        AppSpec spec = spec("worker: { kinds: [email.send] }\ndrain: { timeout: %s, jobs_soft: %s, jobs_hard: %s }\n"
                .formatted(timeout, soft, hard));
        Rendered r = Rendered.of(spec, KubeOptions.of("shop", IMAGE).withPreStop(Durations.parse(preStop)));

        long grace = r.podSpec().path("terminationGracePeriodSeconds").asLong();
        JsonNode sleep = r.container().path("lifecycle").path("preStop").path("sleep").path("seconds");
        Duration pre = Duration.ofSeconds(sleep.asLong(0));
        // both job deadlines count from SIGTERM; requests drain in parallel
        Duration budget = pre.plus(max(spec.drain().timeout(), spec.drain().jobsHard())).plusSeconds(5);
        assertThat(Duration.ofSeconds(grace)).isGreaterThanOrEqualTo(budget);
        assertThat(pre).isGreaterThanOrEqualTo(Durations.parse(preStop));
        assertThat(sleep.isMissingNode()).isEqualTo(Durations.parse(preStop).isZero());

        // the runtime is told the same deadlines the grace period was computed from
        assertThat(Durations.parse(r.env("BATON_JOBS_SOFT").path("value").asText())).isEqualTo(spec.drain().jobsSoft());
        assertThat(Durations.parse(r.env("BATON_JOBS_HARD").path("value").asText())).isEqualTo(spec.drain().jobsHard());
        assertThat(Durations.parse(r.env("BATON_DRAIN_TIMEOUT").path("value").asText())).isEqualTo(spec.drain().timeout());
        assertThat(Durations.parse(r.env("BATON_WORKER_SOFT_STOP").path("value").asText())).isEqualTo(spec.drain().jobsSoft());
        // the standalone worker counts its hard deadline after the soft one: together they end at jobs_hard
        Duration workerHard = Durations.parse(r.env("BATON_WORKER_HARD_STOP").path("value").asText());
        Duration releaseBy = spec.drain().jobsHard().minus(spec.drain().jobsSoft()).compareTo(Duration.ofMillis(100)) < 0
                ? spec.drain().jobsSoft().plusMillis(100) : spec.drain().jobsHard();
        assertThat(spec.drain().jobsSoft().plus(workerHard)).isEqualTo(releaseBy);
        assertThat(Duration.ofSeconds(grace)).isGreaterThanOrEqualTo(pre.plus(releaseBy).plusSeconds(5));

        // liveness cannot restart a draining pod: it needs longer than the grace period of failures
        JsonNode liveness = r.container().path("livenessProbe");
        assertThat(liveness.path("failureThreshold").asLong() * liveness.path("periodSeconds").asLong()).isGreaterThan(grace);
    }

    @Test
    void deadlinesReachTheWorkerInTheSingleUnitFormItsParserReads() {
        Rendered r = render("worker: { kinds: [a] }\ndrain: { timeout: 1m30s, jobs_soft: 1m30s, jobs_hard: 2m }\n");

        assertThat(r.env("BATON_WORKER_SOFT_STOP").path("value").asText()).isEqualTo("90s");
        assertThat(r.env("BATON_JOBS_HARD").path("value").asText()).isEqualTo("120s");
        assertThat(r.env("BATON_DRAIN_TIMEOUT").path("value").asText()).isEqualTo("90s");
    }

    @Test
    void probesPointAtTheSpecsPathsOnTheContainersPort() {
        AppSpec custom = AppSpec.parse("""
                app: shop
                listen: 9000
                run: "java -jar /app/shop.jar"
                web: { readiness: /ready/now, liveness: /alive }
                """);
        Rendered r = Rendered.of(custom, KubeOptions.of("shop", IMAGE));

        JsonNode c = r.container();
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready/now");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/alive");
        assertThat(c.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
        assertThat(c.path("ports").get(0).path("name").asText()).isEqualTo("http");
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(9000);
        assertThat(r.env("PORT").path("value").asText()).isEqualTo("9000");
        assertThat(r.kind("Service").path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(9000);
        assertThat(r.kind("Service").path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
    }

    @Test
    void aSpecWithoutLivenessGetsNoLivenessProbe() {
        AppSpec s = AppSpec.parse("app: shop\nrun: \"java -jar /app/shop.jar\"\n");

        Rendered r = Rendered.of(s, KubeOptions.of("shop", IMAGE));

        assertThat(r.container().has("livenessProbe")).isFalse();
        assertThat(r.container().path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
    }

    @Test
    void rollingSurgeUnavailableMinReadyAndProgressDeadlineAreCopied() {
        Rendered r = render("""
                strategy: { type: rolling, max_surge: 25%, max_unavailable: 1, min_ready: 5s }
                progress_deadline: 3m
                """);

        JsonNode spec = r.kind("Deployment").path("spec");
        assertThat(spec.path("replicas").asInt()).isEqualTo(3);
        assertThat(spec.path("strategy").path("type").asText()).isEqualTo("RollingUpdate");
        assertThat(spec.path("strategy").path("rollingUpdate").path("maxSurge").asText()).isEqualTo("25%");
        assertThat(spec.path("strategy").path("rollingUpdate").path("maxUnavailable").isInt()).isTrue();
        assertThat(spec.path("strategy").path("rollingUpdate").path("maxUnavailable").asInt()).isEqualTo(1);
        assertThat(spec.path("minReadySeconds").asInt()).isEqualTo(5);
        assertThat(spec.path("progressDeadlineSeconds").asInt()).isEqualTo(180);
        // the selector never names a version, so a new version's pods belong to the same Deployment
        assertThat(spec.path("selector").path("matchLabels").size()).isEqualTo(1);
        assertThat(r.kind("PodDisruptionBudget").path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
    }

    @Test
    void aProgressDeadlineNoLongerThanMinReadyIsRefusedNamingTheField() {
        AppSpec s = spec("strategy: { type: rolling, min_ready: 2m }\nprogress_deadline: 1m\n");

        assertThatThrownBy(() -> KubeManifests.render(s, KubeOptions.of("shop", IMAGE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("progress_deadline:");
    }

    @Test
    void envCarriesVersionInstanceAndTheSpecsOwnVariablesAsStrings() {
        Rendered r = render("env: { GREETING: hello, FLAG: \"true\", ANSWER: \"42\", OCTAL: \"0755\" }\n");

        assertThat(r.env("BATON_VERSION").path("value").asText()).isEqualTo("v42");
        assertThat(r.env("BATON_APP").path("value").asText()).isEqualTo("shop");
        assertThat(r.env("BATON_INSTANCE").path("valueFrom").path("fieldRef").path("fieldPath").asText())
                .isEqualTo("metadata.name");
        assertThat(r.env("GREETING").path("value").asText()).isEqualTo("hello");
        for (String name : List.of("FLAG", "ANSWER", "OCTAL", "PORT")) {
            assertThat(r.env(name).path("value").isTextual()).as(name + " stays a string").isTrue();
        }
        assertThat(r.env("ANSWER").path("value").asText()).isEqualTo("42");
        assertThat(r.env("OCTAL").path("value").asText()).isEqualTo("0755");
        assertThat(r.kind("Deployment").path("spec").path("template").path("metadata").path("labels")
                .path("app.kubernetes.io/version").asText()).isEqualTo("v42");
    }

    @Test
    void theSpecsEnvIsRenderedInNameOrderSoTwoRendersOfOneSpecAreIdentical() {
        String extra = "env: { ZETA: z, ALPHA: a, MIKE: m, BRAVO: b, YANKEE: y, CHARLIE: c, XRAY: x, DELTA: d }\n";
        Rendered r = render(extra);

        List<String> names = new java.util.ArrayList<>();
        r.container().path("env").forEach(e -> names.add(e.path("name").asText()));
        List<String> own = names.subList(names.indexOf("BATON_DATABASE_URL") + 1, names.size());
        assertThat(own).containsExactly("ALPHA", "BRAVO", "CHARLIE", "DELTA", "MIKE", "XRAY", "YANKEE", "ZETA");
        assertThat(render(extra).text()).isEqualTo(r.text());
    }

    @Test
    void theDatabaseUrlComesFromASecretAndIsNeverInline() {
        Rendered r = render("");

        JsonNode db = r.env("BATON_DATABASE_URL");
        assertThat(db.has("value")).isFalse();
        assertThat(db.path("valueFrom").path("secretKeyRef").path("name").asText()).isEqualTo("shop-database");
        assertThat(db.path("valueFrom").path("secretKeyRef").path("key").asText()).isEqualTo("url");

        AppSpec inline = spec("env: { BATON_DATABASE_URL: \"postgres://u:hunter2@db/shop\" }\n");
        assertThatThrownBy(() -> KubeManifests.render(inline, KubeOptions.of("shop", IMAGE)))
                .hasMessageStartingWith("env.BATON_DATABASE_URL:").hasMessageContaining("Secret 'shop-database'")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void theSpecsEnvCannotOverrideTheDeadlinesTheGracePeriodWasComputedFrom() {
        AppSpec s = spec("env: { BATON_JOBS_HARD: 10m }\n");

        assertThatThrownBy(() -> KubeManifests.render(s, KubeOptions.of("shop", IMAGE)))
                .hasMessageStartingWith("env.BATON_JOBS_HARD:");
    }

    @Test
    void aSpecWithoutWorkerRendersWithoutTheWorkerVariables() {
        Rendered r = render("");

        assertThat(r.documents()).extracting(d -> d.path("kind").asText())
                .containsExactly("Deployment", "Service", "PodDisruptionBudget");
        assertThat(r.env("BATON_WORKER_SOFT_STOP").isMissingNode()).isTrue();
        assertThat(r.env("BATON_HEALTH_HOST").isMissingNode()).isTrue();
        assertThat(r.env("BATON_JOBS_SOFT").path("value").asText()).isEqualTo("20s");
    }

    @Test
    void aWorkerListensForProbesOnEveryInterface() {
        Rendered r = render("worker: { kinds: [email.send] }\n");

        assertThat(r.env("BATON_HEALTH_HOST").path("value").asText()).isEqualTo("0.0.0.0");
    }

    @Test
    void aPlainRunLineIsTheContainersOwnCommandSoSigtermReachesTheProgram() {
        Rendered r = render("");

        assertThat(r.container().path("command")).extracting(JsonNode::asText)
                .containsExactly("java", "-jar", "/app/shop.jar", "--port", "8080", "--version", "v42");
    }

    @Test
    void aRunLineThatNeedsAShellRunsUnderShAndTheCommentSaysToExec() {
        AppSpec s = AppSpec.parse("app: shop\nrun: \"cd /app && exec java -jar shop.jar --port {port}\"\n");

        Rendered r = Rendered.of(s, KubeOptions.of("shop", IMAGE));

        assertThat(r.container().path("command")).extracting(JsonNode::asText)
                .containsExactly("sh", "-c", "cd /app && exec java -jar shop.jar --port 8080");
        assertThat(r.text()).contains("start the last program with exec");
    }

    @Test
    void aLeadingExecIsDroppedSoTheProgramIsTheContainersCommand() {
        AppSpec s = AppSpec.parse("app: shop\nrun: \"exec python3 app.py {port}\"\n");

        Rendered r = Rendered.of(s, KubeOptions.of("shop", IMAGE));

        assertThat(r.container().path("command")).extracting(JsonNode::asText)
                .containsExactly("python3", "app.py", "8080");
    }

    @Test
    void aRunLineStartingWithAShellBuiltinRunsUnderSh() {
        AppSpec s = AppSpec.parse("app: shop\nrun: \"umask 077\"\n");
        AppSpec plain = AppSpec.parse("app: shop\nrun: \"export MODE=prod\"\n");

        assertThat(Rendered.of(s, KubeOptions.of("shop", IMAGE)).container().path("command")).extracting(JsonNode::asText)
                .containsExactly("sh", "-c", "umask 077");
        assertThat(Rendered.of(plain, KubeOptions.of("shop", IMAGE)).container().path("command")).extracting(JsonNode::asText)
                .containsExactly("sh", "-c", "export MODE=prod");
    }

    @Test
    void namespaceGoesOnEveryObjectOrOnNone() {
        Rendered with = Rendered.of(spec(""), KubeOptions.of("shop", IMAGE).withNamespace("payments"));
        Rendered without = render("");

        assertThat(with.documents()).allSatisfy(d ->
                assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("payments"));
        assertThat(without.documents()).allSatisfy(d -> assertThat(d.path("metadata").has("namespace")).isFalse());
    }

    @Test
    void canaryAndBlueGreenRenderARollingDeploymentAndSayWhatItCannotDo() {
        Rendered canary = render("worker: { kinds: [a] }\nstrategy: { type: canary, steps: [ {weight: 10, pause: 1m}, "
                + "{weight: 100} ] }\n");
        Rendered blueGreen = render("strategy: { type: blue-green, preview: 8081, smoke: /smoke }\n");

        assertThat(canary.kind("Deployment").path("spec").path("strategy").path("rollingUpdate").path("maxSurge").asInt())
                .isEqualTo(1);
        assertThat(canary.text()).contains("10%, 100%").contains("same share of\n# jobs").contains("Argo Rollouts");
        assertThat(blueGreen.kind("Deployment").path("spec").path("strategy").path("rollingUpdate")
                .path("maxSurge").asText()).isEqualTo("100%");
        assertThat(blueGreen.text()).contains("preview port (8081)").contains("scale_down_delay");
        assertThat(render("").text()).doesNotContain("Argo Rollouts");
    }

    @Test
    void aSingleInstanceIsWarnedThatANodeDrainTakesItsOnlyPod() {
        AppSpec s = AppSpec.parse("app: shop\nrun: \"java -jar /app/shop.jar\"\n");

        Rendered r = Rendered.of(s, KubeOptions.of("shop", IMAGE));

        assertThat(r.kind("PodDisruptionBudget").path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
        assertThat(r.text()).contains("With 1 instance(s), an eviction leaves no ready pod");
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
