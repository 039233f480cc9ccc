package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<Readiness> readiness = new AtomicReference<>(Readiness.of(WorkerState.RUNNING, true));
    private final WorkerMetrics metrics = new WorkerMetrics("v2");
    private HealthServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        http.close();
    }

    @Test
    void readinessFollowsTheWorkerWhileLivenessStaysUp() throws Exception {
        server = HealthServer.start("127.0.0.1", 0, readiness::get, () -> "");
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        readiness.set(Readiness.of(WorkerState.DRAINING, true));
        HttpResponse<String> draining = get("/health/ready");
        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(draining.body()).isEqualTo("draining\n");
        readiness.set(Readiness.of(WorkerState.RUNNING, false));
        assertThat(get("/health/ready").body()).isEqualTo("database unreachable\n");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsArePrometheusTextTaggedByKindAndVersion() throws Exception {
        metrics.increment(WorkerMetrics.Counter.COMPLETED, "email");
        metrics.handlerDuration("email", java.time.Duration.ofMillis(30));
        server = HealthServer.start("127.0.0.1", 0, readiness::get,
                () -> metrics.render(List.of("email", "sms"), List.of("sms"), 1, 4, true, true));
        HttpResponse<String> r = get("/metrics");
        assertThat(r.headers().firstValue("Content-Type")).hasValue(PrometheusText.CONTENT_TYPE);
        assertThat(r.body())
                .contains("# TYPE baton_worker_jobs_completed_total counter")
                .contains("baton_worker_jobs_completed_total{kind=\"email\",version=\"v2\"} 1")
                .contains("baton_worker_jobs_completed_total{kind=\"sms\",version=\"v2\"} 0")
                .contains("baton_worker_jobs_in_flight{kind=\"sms\",version=\"v2\"} 1")
                .contains("baton_worker_completions_pending{version=\"v2\"} 1")
                .contains("baton_worker_handler_duration_seconds_bucket{kind=\"email\",version=\"v2\",le=\"0.025\"} 0")
                .contains("baton_worker_handler_duration_seconds_bucket{kind=\"email\",version=\"v2\",le=\"0.05\"} 1")
                .contains("baton_worker_handler_duration_seconds_count{kind=\"email\",version=\"v2\"} 1");
    }

    @Test
    void unknownPathsAndWritesAreClientErrors() throws Exception {
        server = HealthServer.start("127.0.0.1", 0, readiness::get, () -> "");
        assertThat(get("/admin").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/health/ready"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
