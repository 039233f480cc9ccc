package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The proxy's admin API over HTTP ({@code docs/proxy.md}), as the control plane uses it. Every call carries
 * the bearer token; a non-2xx answer becomes a {@link ProxyAdminException} with the proxy's message.
 */
final class ProxyAdmin {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String token;
    private final LongSupplier term;

    ProxyAdmin(int adminPort, String token) {
        this("127.0.0.1", adminPort, token);
    }

    /** The admin API of a proxy at {@code host} (a proxy replica's pod IP, say). */
    ProxyAdmin(String host, int adminPort, String token) {
        this("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + adminPort, token, () -> 0);
    }

    private ProxyAdmin(String base, String token, LongSupplier term) {
        this.base = base;
        this.token = token;
        this.term = term;
    }

    /**
     * The same proxy, steered under a leader's term: each table and drain carries {@code term}'s value when it is
     * positive ({@code ?term=N}), and the proxy refuses one older than a term it has already seen (409).
     */
    ProxyAdmin steeredUnder(LongSupplier term) {
        return new ProxyAdmin(base, token, term);
    }

    /** The live route table. */
    JsonNode routes() {
        return call(get("/v1/routes", CALL_TIMEOUT));
    }

    /** Makes {@code tableJson} live; returns the table as the proxy now holds it. */
    JsonNode putRoutesAndRead(String tableJson) {
        return call(request("/v1/routes" + termQuery(), CALL_TIMEOUT).PUT(HttpRequest.BodyPublishers.ofString(tableJson)).build());
    }

    /** Thrown when the proxy answers with an error status, or cannot be reached. */
    static final class ProxyAdminException extends RuntimeException {
        final int status;

        ProxyAdminException(int status, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
        }
    }

    /** Whether the admin API answers this token. */
    boolean answers() {
        try {
            return send(get("/v1/state", CALL_TIMEOUT)).statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    JsonNode state() {
        return call(get("/v1/state", CALL_TIMEOUT));
    }

    JsonNode metrics() {
        return call(get("/v1/metrics", CALL_TIMEOUT));
    }


    void drain(String backendId, Duration timeout) {
        String body = "{\"timeoutMs\":" + Math.max(1, timeout.toMillis()) + "}";
        call(request("/v1/backends/" + enc(backendId) + "/drain" + termQuery(), CALL_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The backend's view after waiting up to {@code wait} for it to become idle. */
    JsonNode awaitIdle(String backendId, Duration wait) {
        return call(get("/v1/backends/" + enc(backendId) + "/idle?waitMs=" + wait.toMillis(),
                wait.plus(CALL_TIMEOUT)));
    }

    private JsonNode call(HttpRequest req) {
        HttpResponse<String> res = send(req);
        try {
            JsonNode body = Json.MAPPER.readTree(res.body().isEmpty() ? "{}" : res.body());
            if (res.statusCode() / 100 != 2) {
                throw new ProxyAdminException(res.statusCode(), "proxy admin " + req.method() + " " + req.uri().getPath()
                        + " answered " + res.statusCode() + ": " + body.path("error").asText(res.body()), null);
            }
            return body;
        } catch (IOException e) {
            throw new ProxyAdminException(res.statusCode(), "proxy admin answered something that is not JSON", e);
        }
    }

    private HttpResponse<String> send(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ProxyAdminException(0, "proxy admin API at " + base + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProxyAdminException(0, "interrupted while calling the proxy", e);
        }
    }

    private HttpRequest get(String path, Duration timeout) {
        return request(path, timeout).GET().build();
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
    }

    /** {@code ?term=N} when steering under a term, else nothing (the calls it is added to have no other query). */
    private String termQuery() {
        long t = term.getAsLong();
        return t > 0 ? "?term=" + t : "";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
