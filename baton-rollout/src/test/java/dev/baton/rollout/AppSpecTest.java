package dev.baton.rollout;

import dev.baton.common.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppSpecTest {
    static final String ISSUE_EXAMPLE = """
            app: shop
            listen: 8080
            instances: 3
            run: "java -jar app-{version}.jar --port {port}"
            env: { KEY: value, THREADS: 4 }
            web:    { readiness: /health/ready, liveness: /health/live }
            worker: { kinds: [email.send, invoice.render] }
            drain:  { timeout: 30s, jobs_soft: 20s, jobs_hard: 25s }
            strategy:
              type: canary
              steps: [ {weight: 5, pause: 30s}, {weight: 50, pause: 60s}, {weight: 100} ]
              analysis: { interval: 5s, max_error_rate: 1%, max_p99: 500ms, max_job_failure_rate: 2%, min_requests: 50 }
            """;

    @Test
    void parsesTheIssueExampleIntoRecords() {
        AppSpec spec = AppSpec.parse(ISSUE_EXAMPLE);
        assertThat(spec.app()).isEqualTo("shop");
        assertThat(spec.listen()).isEqualTo(8080);
        assertThat(spec.instances()).isEqualTo(3);
        assertThat(spec.command("v2", 41000)).isEqualTo("java -jar app-v2.jar --port 41000");
        assertThat(spec.env()).containsExactlyInAnyOrderEntriesOf(Map.of("KEY", "value", "THREADS", "4"));
        assertThat(spec.web()).isEqualTo(new WebSpec("/health/ready", "/health/live"));
        assertThat(spec.worker().kinds()).containsExactly("email.send", "invoice.render");
        assertThat(spec.drain()).isEqualTo(new DrainSpec(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(25)));
        assertThat(spec.drain().killAfter()).isEqualTo(Duration.ofSeconds(30));
        CanarySpec canary = (CanarySpec) spec.strategy();
        assertThat(canary.steps()).containsExactly(
                new CanaryStep(5, PauseSpec.of(Duration.ofSeconds(30))),
                new CanaryStep(50, PauseSpec.of(Duration.ofSeconds(60))),
                new CanaryStep(100, PauseSpec.NONE));
        assertThat(canary.analysis()).isEqualTo(new AnalysisSpec(Duration.ofSeconds(5), 0.01, Duration.ofMillis(500), 0.02, 50));
        assertThat(spec.progressDeadline()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void topLevelVersionIsTheVersionToDeployFirstAndIsValidatedLikeAnyField() {
        assertThat(AppSpec.parseVersioned("app: shop\nversion: v1.2\nrun: ./server {port}\n").version()).isEqualTo("v1.2");
        assertThat(AppSpec.parseVersioned("app: shop\nrun: ./server {port}\n").version()).isNull();
        assertThat(AppSpec.parse("app: shop\nversion: v1\nrun: ./server {port}\n").app()).isEqualTo("shop");
        assertErrors("app: shop\nversion: 'v 1'\nrun: ./server {port}\n",
                "version: must be 1-64 letters, digits, '.', '_' or '-', got 'v 1'");
    }

    @Test
    void strategySectionGivenOnItsOwnReplacesTheSpecsAndIsValidatedWithItsPath() {
        AppSpec spec = AppSpec.parse("app: shop\ninstances: 2\nrun: ./server {port}\n");
        AppSpec bg = spec.withStrategySection("{\"type\": \"blue-green\", \"scale_down_delay\": \"5s\"}");
        assertThat(bg.strategy()).isEqualTo(new BlueGreenSpec(null, null, true, java.time.Duration.ofSeconds(5)));
        assertThatThrownBy(() -> spec.withStrategySection("{type: canary, steps: [{weight: 150}]}"))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.errors())
                        .anySatisfy(m -> assertThat(m).startsWith("strategy.steps[0].weight: must be 0..100")));
    }

    @Test
    void minimalSpecGetsDocumentedDefaults() {
        AppSpec spec = AppSpec.parse("app: shop\nrun: ./server --port {port}\n");
        assertThat(spec.listen()).isEqualTo(8080);
        assertThat(spec.instances()).isEqualTo(1);
        assertThat(spec.web()).isEqualTo(WebSpec.defaults());
        assertThat(spec.worker()).isNull();
        assertThat(spec.drain()).isEqualTo(DrainSpec.defaults());
        assertThat(spec.strategy()).isEqualTo(RollingSpec.defaults());
    }

    @Test
    void parsesRollingWithPercentages() {
        AppSpec spec = AppSpec.parse(base("instances: 4\nstrategy: { type: rolling, max_surge: 25%, max_unavailable: 1, min_ready: 500ms }"));
        RollingSpec r = (RollingSpec) spec.strategy();
        assertThat(r.maxSurge()).isEqualTo(Amount.percent(25));
        assertThat(r.maxSurge().resolve(4, true)).isEqualTo(1);
        assertThat(r.maxUnavailable().resolve(4, false)).isEqualTo(1);
        assertThat(r.minReady()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void parsesBlueGreen() {
        AppSpec spec = AppSpec.parse(base("strategy: { type: blue-green, preview: 8081, smoke: /smoke, auto_promote: false, scale_down_delay: 1m30s }"));
        assertThat(spec.strategy()).isEqualTo(new BlueGreenSpec(8081, "/smoke", false, Duration.ofSeconds(90)));
    }

    @Test
    void parsesPauseForeverAndNumericPercent() {
        AppSpec spec = AppSpec.parse(base("""
                strategy:
                  type: canary
                  steps: [ {weight: 0, pause: forever}, {weight: 100} ]
                  analysis: { max_error_rate: 2.5 }
                """));
        CanarySpec c = (CanarySpec) spec.strategy();
        assertThat(c.steps().get(0).pause()).isEqualTo(PauseSpec.FOREVER);
        assertThat(c.analysis().maxErrorRate()).isEqualTo(0.025);
        assertThat(c.analysis().minRequests()).isEqualTo(AnalysisSpec.DEFAULT_MIN_REQUESTS);
    }

    // ---- one test per bad field: the message names the field and what is allowed

    @Test
    void canaryWeightAbove100IsRejectedNamingTheStep() {
        assertErrors(base("strategy: { type: canary, steps: [ {weight: 5}, {weight: 150}, {weight: 100} ] }"),
                "strategy.steps[1].weight: must be 0..100, got 150");
    }

    @Test
    void unknownStrategyFieldListsTheAllowedOnes() {
        assertErrors(base("strategy: { type: canary, stepz: [], steps: [ {weight: 100} ] }"),
                "strategy.stepz: unknown field for type canary; allowed: type, steps, analysis");
    }

    @Test
    void fieldOfAnotherStrategyTypeIsUnknown() {
        assertErrors(base("strategy: { type: rolling, steps: [ {weight: 100} ] }"),
                "strategy.steps: unknown field for type rolling; allowed: type, max_surge, max_unavailable, min_ready");
    }

    @Test
    void unknownTopLevelField() {
        assertErrors(base("instance: 3"), "instance: unknown field; allowed: app, listen, instances,");
    }

    @Test
    void badDurationNamesTheFieldAndTheUnits() {
        assertErrors(base("drain: { timeout: 30 seconds }"),
                "drain.timeout: must be a duration (" + Durations.ALLOWED + "), got '30 seconds'");
    }

    @Test
    void badPauseMentionsForever() {
        assertErrors(base("strategy: { type: canary, steps: [ {weight: 10, pause: soon}, {weight: 100} ] }"),
                "strategy.steps[0].pause: must be a duration", "or forever, got 'soon'");
    }

    @Test
    void surgeAndUnavailableBothZeroIsImpossible() {
        assertErrors(base("strategy: { type: rolling, max_surge: 0, max_unavailable: 0 }"),
                "strategy.max_surge: max_surge (0) and max_unavailable (0) cannot both be 0");
    }

    @Test
    void percentageSurgeThatRoundsToZeroWithUnavailableZeroIsImpossible() {
        assertErrors(base("instances: 2\nstrategy: { type: rolling, max_surge: 0%, max_unavailable: 25% }"),
                "strategy.max_surge: max_surge (0%) and max_unavailable (25%) cannot both be 0 for 2 instance(s)");
    }

    @Test
    void badAmount() {
        assertErrors(base("strategy: { type: rolling, max_surge: lots }"),
                "strategy.max_surge: must be a whole number 0..1000 or a percentage 0%..100% such as 25%, got 'lots'");
    }

    @Test
    void jobsHardBelowJobsSoft() {
        assertErrors(base("drain: { jobs_soft: 20s, jobs_hard: 10s }"),
                "drain.jobs_hard: must be >= drain.jobs_soft (20s), got 10s");
    }

    @Test
    void canaryStepsMustEndAt100() {
        assertErrors(base("strategy: { type: canary, steps: [ {weight: 10}, {weight: 50} ] }"),
                "strategy.steps[1].weight: the last step must send all traffic: must be 100, got 50");
    }

    @Test
    void canaryWeightsMustIncrease() {
        assertErrors(base("strategy: { type: canary, steps: [ {weight: 50}, {weight: 20}, {weight: 100} ] }"),
                "strategy.steps[1].weight: weights must increase from step to step: must be > 50, got 20");
    }

    @Test
    void canaryWithoutSteps() {
        assertErrors(base("strategy: { type: canary }"), "strategy.steps: required for type canary");
    }

    @Test
    void unknownStepField() {
        assertErrors(base("strategy: { type: canary, steps: [ {weight: 100, wait: 1s} ] }"),
                "strategy.steps[0].wait: unknown field; allowed: weight, pause");
    }

    @Test
    void unknownStrategyType() {
        assertErrors(base("strategy: { type: linear }"),
                "strategy.type: must be one of rolling, blue-green, canary, got 'linear'");
    }

    @Test
    void errorRateAbove100Percent() {
        assertErrors(base("strategy: { type: canary, steps: [ {weight: 100} ], analysis: { max_error_rate: 150% } }"),
                "strategy.analysis.max_error_rate: must be a percentage 0%..100%, got '150%'");
    }

    @Test
    void errorRateNotAPercentage() {
        assertErrors(base("strategy: { type: canary, steps: [ {weight: 100} ], analysis: { max_error_rate: low } }"),
                "strategy.analysis.max_error_rate: must be a percentage 0%..100% such as 1% or 0.5%, got 'low'");
    }

    @Test
    void badP99() {
        assertErrors(base("strategy: { type: canary, steps: [ {weight: 100} ], analysis: { max_p99: fast } }"),
                "strategy.analysis.max_p99: must be a duration");
    }

    @Test
    void negativeMinRequests() {
        assertErrors(base("strategy: { type: canary, steps: [ {weight: 100} ], analysis: { max_p99: 1s, min_requests: -1 } }"),
                "strategy.analysis.min_requests: must be 0..1000000000, got -1");
    }

    @Test
    void unknownAnalysisField() {
        assertErrors(base("strategy: { type: canary, steps: [ {weight: 100} ], analysis: { max_p95: 1s } }"),
                "strategy.analysis.max_p95: unknown field; allowed: interval, max_error_rate, max_p99, max_job_failure_rate, min_requests");
    }

    @Test
    void previewEqualToListen() {
        assertErrors(base("strategy: { type: blue-green, preview: 8080 }"), "strategy.preview: must differ from listen (8080)");
    }

    @Test
    void smokeWithoutPreview() {
        assertErrors(base("strategy: { type: blue-green, smoke: /smoke }"), "strategy.smoke: needs strategy.preview");
    }

    @Test
    void autoPromoteNotABoolean() {
        assertErrors(base("strategy: { type: blue-green, auto_promote: maybe }"),
                "strategy.auto_promote: must be true or false, got 'maybe'");
    }

    @Test
    void instancesOutOfRange() {
        assertErrors(base("instances: 0"), "instances: must be 1..100, got 0");
    }

    @Test
    void listenNotAPort() {
        assertErrors(base("listen: 70000"), "listen: must be 1..65535, got 70000");
    }

    @Test
    void appNameWithCapitals() {
        assertErrors("app: Shop\nrun: x\n", "app: must be 1..63 lowercase letters, digits or dashes");
    }

    @Test
    void missingAppAndRun() {
        assertErrors("listen: 8080\n", "app: required", "run: required");
    }

    @Test
    void unknownPlaceholderInRun() {
        assertErrors("app: shop\nrun: ./server --port {prot}\n", "run: unknown placeholder {prot}; allowed: {port}, {version}");
    }

    @Test
    void readinessWithoutSlash() {
        assertErrors(base("web: { readiness: health }"), "web.readiness: must be a path starting with /, got 'health'");
    }

    @Test
    void emptyWorkerKinds() {
        assertErrors(base("worker: { kinds: [] }"), "worker.kinds: must be a non-empty list of job kinds");
    }

    @Test
    void badEnvName() {
        assertErrors(base("env: { 1BAD: x }"), "env.1BAD: not a valid variable name");
    }

    @Test
    void nestedEnvValue() {
        assertErrors(base("env: { GOOD: { nested: 1 } }"), "env.GOOD: must be a text, number or boolean value, got a mapping");
    }

    @Test
    void zeroProgressDeadline() {
        assertErrors(base("progress_deadline: 0s"), "progress_deadline: must be a duration > 0");
    }

    @Test
    void duplicateKeysAreAnError() {
        assertErrors("app: shop\napp: other\nrun: x\n", "yaml: Duplicate field 'app'");
    }

    @Test
    void malformedYamlNamesTheLine() {
        assertErrors("app: shop\nrun: [unclosed\n", "yaml: ", "(line");
    }

    @Test
    void collectsEveryErrorNotJustTheFirst() {
        SpecException e = parseFails(base("""
                instances: 0
                drain: { timeout: soon }
                strategy: { type: canary, stepz: 1, steps: [ {weight: 150}, {weight: 100} ] }
                """));
        assertThat(e.errors()).hasSize(4);
        assertThat(e.errors()).anySatisfy(m -> assertThat(m).startsWith("instances:"))
                .anySatisfy(m -> assertThat(m).startsWith("drain.timeout:"))
                .anySatisfy(m -> assertThat(m).startsWith("strategy.stepz:"))
                .anySatisfy(m -> assertThat(m).startsWith("strategy.steps[0].weight:"));
        assertThat(e.getMessage()).contains("4 problems");
    }

    @Test
    void recordsValidateInTheirConstructorsToo() {
        assertThatThrownBy(() -> new CanaryStep(101, PauseSpec.NONE)).hasMessageContaining("weight: must be 0..100");
        assertThatThrownBy(() -> new RollingSpec(Amount.of(0), Amount.of(0), Duration.ZERO))
                .hasMessageContaining("strategy.max_surge");
        assertThatThrownBy(() -> new CanarySpec(List.of(new CanaryStep(50, null)), null))
                .hasMessageContaining("strategy.steps[0].weight: the last step must be 100");
    }

    @Test
    void durationsRoundTrip() {
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.format(Duration.ofMillis(90_500))).isEqualTo("1m30s500ms");
        assertThatThrownBy(() -> Durations.parse("-5s")).hasMessageContaining("not a duration '-5s'");
        assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("not a duration '5'");
    }

    @Test
    void pinningAndTrustedProxiesAreOffUnlessTheWebSectionTurnsThemOn() {
        AppSpec plain = AppSpec.parse(base(""));
        assertThat(plain.web().pin()).isNull();
        assertThat(plain.web().trustedProxies()).isEmpty();

        AppSpec spec = AppSpec.parse(base("web: { trusted_proxies: [10.0.0.0/8, \"::1\"], "
                + "pin: { header: X-Try, trusted: [192.168.1.7] } }"));
        assertThat(spec.web().trustedProxies()).containsExactly("10.0.0.0/8", "::1");
        assertThat(spec.web().pin()).isEqualTo(new WebSpec.PinSpec("X-Try", java.util.List.of("192.168.1.7")));
        assertThat(AppSpec.parse(base("web: { pin: {} }")).web().pin().header()).isEqualTo("X-Baton-Version");
    }

    @Test
    void badPinningOrTrustedProxiesNameTheField() {
        assertErrors(base("web: { trusted_proxies: [lb.example] }"), "web.trusted_proxies[0]: must be an IP address");
        assertErrors(base("web: { trusted_proxies: 10.0.0.0/8 }"), "web.trusted_proxies: must be a list");
        assertErrors(base("web: { pin: { header: \"X Try\" } }"), "web.pin.header: must be a header name");
        assertErrors(base("web: { pin: { trusted: [any] } }"), "web.pin.trusted[0]");
        assertErrors(base("web: { pin: { headr: X } }"), "web.pin");
    }

    static String base(String extra) {
        return "app: shop\nrun: ./server --port {port}\n" + extra + "\n";
    }

    static SpecException parseFails(String yaml) {
        try {
            AppSpec.parse(yaml);
        } catch (SpecException e) {
            return e;
        }
        throw new AssertionError("spec was accepted:\n" + yaml);
    }

    static void assertErrors(String yaml, String... fragments) {
        SpecException e = parseFails(yaml);
        for (String f : fragments) {
            assertThat(e.errors()).as("errors of\n%s", yaml).anySatisfy(m -> assertThat(m).contains(f));
        }
    }
}
