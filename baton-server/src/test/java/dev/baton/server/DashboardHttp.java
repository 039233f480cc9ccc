package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/** A plain HTTP client of the dashboard, as a script or an attacker would use it: no cookie jar, no redirects followed. */
final class DashboardHttp {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final String base;

    DashboardHttp(BatonHome home) throws IOException {
        this.base = "http://127.0.0.1:" + Json.MAPPER.readTree(home.apiFile().toFile()).path("port").asInt();
    }

    HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(String token) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/login")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code name=value} of a login answer's session cookie. */
    static String cookieOf(HttpResponse<?> res) {
        return res.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    HttpResponse<String> post(String path, String cookie, String csrf, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header(Dashboard.CSRF_HEADER, csrf);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode state(String cookie) throws IOException, InterruptedException {
        return Json.MAPPER.readTree(get("/dashboard/api/state", cookie).body());
    }

    /** A control plane ({@code baton up}) on {@code live} running one instance of v1, with a rolling strategy. */
    static ControlPlaneProcess rollingV1(LiveHome live) throws IOException, InterruptedException {
        ControlPlaneProcess cp = live.controlPlane(live.spec("""
                version: v1
                instances: 1
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                strategy: { type: rolling }
                """)).start();
        cp.awaitApi(LiveHomeTest.START);
        org.awaitility.Awaitility.await().atMost(LiveHomeTest.START)
                .until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null)));
        return cp;
    }

    static String token(java.nio.file.Path file) throws IOException {
        return Files.readString(file).strip();
    }
}
