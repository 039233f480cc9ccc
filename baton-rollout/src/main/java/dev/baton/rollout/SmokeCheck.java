package dev.baton.rollout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Checks a version before it takes traffic: GET {@code path} through the preview; 2xx passes. */
@FunctionalInterface
public interface SmokeCheck {
    boolean passes(String version, String path);

    /** GET http://host:previewPort/path with a timeout; any error fails the check. */
    static SmokeCheck http(String host, int previewPort, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        return (version, path) -> {
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + previewPort + path))
                        .timeout(timeout).GET().build();
                int status = client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                return status >= 200 && status < 300;
            } catch (java.io.IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        };
    }
}
