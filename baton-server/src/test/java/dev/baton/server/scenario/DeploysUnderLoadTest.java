package dev.baton.server.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.proof.ScenarioResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End to end on one {@link Stage}: the sample app as real processes started by a real control plane process,
 * the proxy process, embedded PostgreSQL, steady HTTP load through the proxy and job load into the queue.
 * One stage serves the tests (starting it costs most of the time); each test deploys from whatever version
 * is stable when it starts to a version of its own, so none depends on another or on their order, and each
 * deploy is judged on its own window by baton-proof's invariants: no failed or unanswered request, no lost
 * or duplicated job.
 */
@Tag("process")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploysUnderLoadTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private Path dir;
    private Stage stage;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("baton-stage-test");
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        stage = Stage.start(new StageOptions(dir.resolve(".baton"), "v1", 2, 40, 10, Duration.ofMillis(50), true, quiet));
    }

    @AfterAll
    void stop() throws Exception {
        if (stage != null) {
            stage.close();
            DataPlaneReaper.reap(stage.home(), dir);
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void blueGreenSwapsUnderLoadWithoutAFailedRequestAndItsRollbackWithinTheScaleDownDelayIsOneRouteSwap()
            throws Exception {
        String stable = stableVersion();
        CompletableFuture<Deploy> deploy = inBackground(() -> stage.deploy("green",
                "{type: blue-green, scale_down_delay: 10m}", Map.of(), TIMEOUT));
        await().atMost(TIMEOUT).until(() -> weights().equals(Map.of("green", 100))
                && stage.client().status().path("rollout").path("phase").asText().equals("PROGRESSING"));
        await().atMost(Duration.ofSeconds(30)).until(() -> stage.http().ended(dev.baton.proof.Outcome.OK) > 0);
        stage.client().post("/v1/abort", Map.of("reason", "bad release"));
        Deploy d = deploy.get();

        assertThat(d.rolledBack()).isTrue();
        List<JsonNode> after = eventsAfterRollback(d);
        assertThat(after).as("steps done after the rollback decision").isNotEmpty();
        assertThat(after.getFirst().path("step").asText()).as("the first thing the rollback does").isEqualTo("SetWeights");
        assertThat(after.getFirst().path("detail").asText()).isEqualTo("{" + stable + "=100}");
        assertThat(after).noneMatch(e -> e.path("step").asText().equals("StartInstances"));
        Duration swap = Duration.between(Stage.instant(rollbackEvent(d).path("at")), Stage.instant(after.getFirst().path("at")));
        assertThat(swap).as("rollback decision to traffic back on v1").isLessThan(Duration.ofSeconds(10));
        ScenarioResult r = stage.finish("blue-green rollback", d, true, null);
        assertThat(r.violations()).isEmpty();
        assertThat(r.requests().sent()).isPositive();
        assertThat(stage.httpResult().during(d.window())).anyMatch(x -> "green".equals(x.version()))
                .anyMatch(x -> stable.equals(x.version()));
        assertThat(versions()).containsOnly(stable);
    }

    @Test
    void goodCanaryIsPromotedThroughItsStepsAndItsWorkersTakeTheirShareOfJobs() throws Exception {
        String stable = stableVersion();
        Deploy d = stage.deploy("good", "canary", Map.of(), TIMEOUT);
        ScenarioResult r = stage.finish("good canary", d, false, null);
        assertThat(r.violations()).isEmpty();
        assertThat(d.status()).isEqualTo("SUCCEEDED");
        JsonNode detail = stage.client().get("/v1/rollouts/" + d.rolloutId());
        Instant split = stepDone(detail, "SetJobShares", "{" + stable + "=50, good=50}");
        Instant promoted = stepDone(detail, "Promote", null);
        assertThat(effectsByVersion(split, promoted)).as("effects applied while the canary held half of the jobs")
                .containsKeys(stable, "good");
        assertThat(versions()).containsOnly("good");
    }

    @Test
    void badCanaryIsRolledBackByAnalysisAndStableCompletesTheJobsItFailed() throws Exception {
        String stable = stableVersion();
        Deploy d = stage.deploy("bad", "canary", Map.of("SAMPLE_ERROR_RATE", "0.3", "SAMPLE_JOB_FAIL_RATE", "0.5"), TIMEOUT);
        ScenarioResult r = stage.finish("bad canary", d, true, "bad answers 30% with 500 on purpose");
        assertThat(d.rolledBack()).isTrue();
        assertThat(d.reason()).startsWith("analysis failed");
        assertThat(r.violations()).isEmpty();
        assertThat(r.jobs().lost()).isZero();
        assertThat(r.jobs().completed()).isEqualTo(r.jobs().enqueued()).isPositive();
        assertThat(retriedJobsCompletedBy(stable)).as("jobs that failed an attempt, then completed by stable").isPositive();
        assertThat(versions()).containsOnly(stable);
    }

    @Test
    void canaryPausedForeverHoldsThroughPauseAndResumeUntilPromoted() throws Exception {
        String stable = stableVersion();
        CompletableFuture<Deploy> deploy = inBackground(() -> stage.deploy("paused",
                "{type: canary, steps: [{weight: 50, pause: forever}, {weight: 100}]}", Map.of(), TIMEOUT));
        await().atMost(TIMEOUT).until(() -> weights().equals(Map.of(stable, 50, "paused", 50)));
        stage.client().post("/v1/pause", Map.of());
        assertThat(stage.client().status().path("rollout").path("paused").asBoolean()).isTrue();
        String id = stage.client().status().path("rollout").path("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> commands(id).contains("pause"));
        stage.client().post("/v1/promote", Map.of());
        assertThat(commands(id)).as("a promote while paused waits for the resume").doesNotContain("promote");
        assertThat(weights()).isEqualTo(Map.of(stable, 50, "paused", 50));
        stage.client().post("/v1/resume", Map.of());
        Deploy d = deploy.get();
        ScenarioResult r = stage.finish("paused canary", d, false, null);
        assertThat(r.violations()).isEmpty();
        assertThat(commands(id)).containsSubsequence("pause", "resume", "promote").containsOnlyOnce("pause");
        assertThat(versions()).containsOnly("paused");
    }

    /** The version serving when a test starts: each test deploys from it to a version of its own. */
    private String stableVersion() {
        return stage.client().status().path("stableVersion").asText();
    }

    private List<String> commands(String id) {
        List<String> out = new ArrayList<>();
        stage.client().get("/v1/rollouts/" + id).path("events").forEach(e -> {
            if (e.path("kind").asText().equals("COMMAND")) {
                out.add(e.path("step").asText());
            }
        });
        return out;
    }

    private Map<String, Integer> weights() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        stage.client().status().path("rollout").path("weights").fields()
                .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
        return out;
    }

    private List<String> versions() {
        return stage.instances().stream().map(InstanceInfo::version).distinct().toList();
    }

    private JsonNode rollbackEvent(Deploy d) {
        for (JsonNode e : stage.client().get("/v1/rollouts/" + d.rolloutId()).path("events")) {
            if (e.path("step").asText().equals("Rollback") && e.path("kind").asText().equals("STEP_DONE")) {
                return e;
            }
        }
        throw new AssertionError("no Rollback step in rollout " + d.rolloutId());
    }

    private List<JsonNode> eventsAfterRollback(Deploy d) {
        List<JsonNode> out = new ArrayList<>();
        boolean after = false;
        for (JsonNode e : stage.client().get("/v1/rollouts/" + d.rolloutId()).path("events")) {
            if (after && e.path("kind").asText().equals("STEP_DONE")) {
                out.add(e);
            }
            after |= e.path("step").asText().equals("Rollback") && e.path("kind").asText().equals("STEP_DONE");
        }
        return out;
    }

    private static Instant stepDone(JsonNode detail, String step, String detailText) {
        for (JsonNode e : detail.path("events")) {
            if (e.path("kind").asText().equals("STEP_DONE") && e.path("step").asText().equals(step)
                    && (detailText == null || e.path("detail").asText().equals(detailText))) {
                return Stage.instant(e.path("at"));
            }
        }
        throw new AssertionError("no " + step + " " + detailText + " in " + detail.path("events"));
    }

    private Map<String, Long> effectsByVersion(Instant from, Instant to) throws Exception {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (Connection c = stage.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT version, count(*) FROM sample_effects WHERE applied_at BETWEEN ? AND ? GROUP BY version")) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    private long retriedJobsCompletedBy(String version) throws Exception {
        List<String> keys = stage.jobResult().jobs().stream().map(j -> j.key()).toList();
        try (Connection c = stage.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM baton_jobs j JOIN sample_effects e ON e.key = j.unique_key "
                        + "WHERE j.unique_key = ANY(?) AND j.state = 'COMPLETED' AND j.attempt > 1 AND e.version = ?")) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray()));
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    interface DeployCall {
        Deploy run() throws Exception;
    }

    private static CompletableFuture<Deploy> inBackground(DeployCall call) {
        CompletableFuture<Deploy> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                f.complete(call.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}
