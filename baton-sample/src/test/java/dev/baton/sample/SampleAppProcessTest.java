package dev.baton.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample app as a real child JVM, HTTP only: readiness, switches, and SIGTERM during slow requests. */
@Tag("process")
class SampleAppProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<SampleProcess> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(SampleProcess::close);
    }

    private SampleProcess start(String name, Map<String, String> env, String... args) {
        SampleProcess p = SampleProcess.start(dir, name, env, args);
        processes.add(p);
        return p;
    }

    private SampleProcess startReady(String name, Map<String, String> env, String version) {
        SampleProcess p = start(name, env, "--port", "0", "--version", version);
        await().atMost(WAIT).until(() -> p.port() > 0 && p.status("/health/ready") == 200);
        return p;
    }

    @Test
    void readyInstanceAnswersHelloWithItsVersionAndEchoesTheRequestId() throws Exception {
        SampleProcess app = startReady("hello", Map.of(), "v7");

        HttpResponse<String> r = app.send(HttpRequest.newBuilder(app.uri("/hello"))
                .header("X-Request-Id", "req-42").GET().build());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("v7");
        assertThat(r.headers().firstValue("X-Request-Id")).hasValue("req-42");
        assertThat(r.headers().firstValue("X-Baton-Version")).hasValue("v7");
        assertThat(app.status("/health/live")).isEqualTo(200);
        assertThat(app.status("/nowhere")).isEqualTo(404);
        assertThat(app.status("/slow?ms=-5")).as("bad input is a 4xx, not a crash").isEqualTo(400);
        assertThat(app.stdout()).contains(SampleApp.READY + " port=" + app.port() + " version=v7");
    }

    @Test
    void bindsTheHostItIsGivenAndNothingElse() throws Exception {
        SampleProcess app = start("pod-ip", Map.of("BATON_HOST", "127.0.1.7"), "--port", "0", "--version", "v9");
        await().atMost(WAIT).until(() -> app.port() > 0);
        HttpResponse<String> there = SampleProcess.CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.1.7:" + app.port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(there.statusCode()).isEqualTo(200);
        try (java.net.Socket s = new java.net.Socket()) {
            assertThatThrownBy(() -> s.connect(new java.net.InetSocketAddress("127.0.0.1", app.port()), 2000))
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void errorRateSwitchAnswersRoughlyThatShareOfHelloWith500() throws Exception {
        SampleProcess app = startReady("errors", Map.of("SAMPLE_ERROR_RATE", "0.3"), "bad");

        int n = 400;
        int errors = 0;
        for (int i = 0; i < n; i++) {
            int status = app.get("/hello").statusCode();
            assertThat(status).isIn(200, 500);
            errors += status == 500 ? 1 : 0;
        }

        // 30% of 400 is 120 with a standard deviation of about 9: 80..160 is more than four of them.
        assertThat(errors).isBetween(80, 160);
        assertThat(app.status("/health/ready")).as("probes are not affected").isEqualTo(200);
    }

    @Test
    void sigtermDuringSlowRequestsLetsThemCompleteTurnsReadinessTo503AndExitsZero() throws Exception {
        SampleProcess app = startReady("draining", Map.of("BATON_DRAIN_TIMEOUT", "30s"), "v1");
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            slow.add(SampleProcess.CLIENT.sendAsync(HttpRequest.newBuilder(app.uri("/slow?ms=4000"))
                    .timeout(WAIT).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(WAIT).until(() -> app.get("/health/ready").body().contains("\"in_flight\":5"));

        app.sigterm();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> app.status("/health/ready") == 503);
        assertThat(app.isAlive()).as("still finishing the slow requests").isTrue();
        assertThat(slow).noneMatch(CompletableFuture::isDone);

        for (CompletableFuture<HttpResponse<String>> f : slow) {
            HttpResponse<String> r = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("slept 4000 ms");
        }
        assertThat(app.awaitExit(WAIT)).as("exit code after a drained SIGTERM").isZero();
        assertThat(app.log()).contains("0 request(s) cut off");
    }

    @Test
    void neverReadyInstanceStaysLiveButAnswers503OnReadiness() {
        SampleProcess app = start("never", Map.of("SAMPLE_NEVER_READY", "true"), "--port", "0", "--version", "v3");
        await().atMost(WAIT).until(() -> app.port() > 0 && app.status("/health/live") == 200);

        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> app.status("/health/ready") == 503);
        assertThat(app.stdout()).doesNotContain(SampleApp.READY);
    }

    @Test
    void slowStartBecomesReadyOnlyAfterTheDelay() {
        SampleProcess app = start("slow-start", Map.of("SAMPLE_START_DELAY_MS", "3000"), "--port", "0");
        await().atMost(WAIT).until(() -> app.port() > 0 && app.status("/health/live") == 200);
        long t0 = System.nanoTime();
        assertThat(app.status("/health/ready")).isEqualTo(503);

        await().atMost(WAIT).until(() -> app.status("/health/ready") == 200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("not ready before the delay")
                .isGreaterThan(Duration.ofMillis(1500));
    }

    @Test
    void crashSwitchEndsTheProcessWithExitCodeOne() throws Exception {
        SampleProcess app = start("crash", Map.of("SAMPLE_CRASH_AFTER_MS", "1500"), "--port", "0");

        assertThat(app.awaitExit(WAIT)).isEqualTo(1);
        assertThat(app.log()).contains("crashing on purpose");
    }

    @Test
    void invalidSwitchStopsTheStartWithExitCodeTwoNamingTheVariableAndItsRange() throws Exception {
        SampleProcess app = start("invalid", Map.of("SAMPLE_ERROR_RATE", "1.5"), "--port", "0");

        assertThat(app.awaitExit(WAIT)).isEqualTo(2);
        assertThat(app.log()).contains("SAMPLE_ERROR_RATE").contains("0..1").contains("1.5");
    }
}
