package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The REST API from the outside: what the CLI uses, and what a demo or a test driving a control plane in
 * another process uses. Finds the API through an {@link Access}: a home's {@code .baton/api.json} and
 * {@code .baton/token}, read again on every call (a restarted control plane listens on a new port), or a
 * port-forward to an installed control plane ({@link InstalledApi}).
 */
public final class BatonClient {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private final Access access;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The API answered with an error status. */
    public static final class ApiError extends RuntimeException {
        private final int status;

        ApiError(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The control plane is not running (or not reachable) for this home. */
    public static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }

    /** Where the REST API is, and the one line to say when nothing answers there. */
    public interface Access {
        /** The address and token, looked up again for every call. */
        Endpoint endpoint();

        /** What an operator reads when nothing answered at {@code ep}. */
        String unreachable(Endpoint ep, IOException e);
    }

    /** The REST API's address and its bearer token (never printed by {@link #toString()}). */
    public record Endpoint(String host, int port, String token) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public BatonClient(BatonHome home) {
        this(new HomeAccess(home));
    }

    public BatonClient(Access access) {
        this.access = access;
    }

    public JsonNode get(String path) {
        return call("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return call("POST", path, body == null ? Map.of() : body);
    }

    /** GET returning text (logs). */
    public String text(String path) {
        return send("GET", path, null).body();
    }

    public JsonNode status() {
        return get("/v1/status");
    }

    /** Starts a rollout; returns its id. */
    public String deploy(DeployRequest req) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", req.version());
        if (req.strategy() != null) {
            body.put("strategy", req.strategy());
        }
        if (req.strategySection() != null) {
            try {
                body.put("strategy", new com.fasterxml.jackson.databind.ObjectMapper(
                        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(req.strategySection()));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("strategy: not a YAML or JSON mapping: " + e.getMessage(), e);
            }
        }
        body.put("env", req.env());
        if (!req.settings().isEmpty()) {
            body.put("set", req.settings());
        }
        return post("/v1/deploys", body).path("id").asText();
    }

    /**
     * Polls a rollout until it ends, calling {@code onEvent} with each new event; rides out a control plane
     * that is restarting. Returns the rollout's final detail ({@code rollout}, {@code instances}, {@code events}).
     */
    public JsonNode awaitOutcome(String rolloutId, Duration timeout, Consumer<JsonNode> onEvent) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            try {
                JsonNode d = get("/v1/rollouts/" + rolloutId);
                JsonNode events = d.path("events");
                for (; seen < events.size(); seen++) {
                    onEvent.accept(events.get(seen));
                }
                String phase = d.path("rollout").path("phase").asText();
                if (phase.equals("SUCCEEDED") || phase.equals("ROLLED_BACK")) {
                    return d;
                }
            } catch (Unreachable e) {
                // a control plane restarting: try again until the deadline
            } catch (ApiError e) {
                if (e.status() != 503) {
                    throw e;
                }
                // its database restarting: the rollout goes on; try again until the deadline
            }
            if (System.nanoTime() > deadline) {
                throw new ApiError(504, "rollout " + rolloutId + " did not finish within " + timeout.toSeconds() + "s");
            }
            Thread.sleep(500);
        }
    }

    private JsonNode call(String method, String path, Object body) {
        HttpResponse<String> res = send(method, path, body);
        try {
            return Json.MAPPER.readTree(res.body().isEmpty() ? "{}" : res.body());
        } catch (IOException e) {
            throw new ApiError(res.statusCode(), "the control plane answered something that is not JSON");
        }
    }

    private HttpResponse<String> send(String method, String path, Object body) {
        Endpoint ep = access.endpoint();
        String host = ep.host().contains(":") ? "[" + ep.host() + "]" : ep.host();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + ep.port() + path))
                .timeout(CALL_TIMEOUT).header("Authorization", "Bearer " + ep.token());
        if (body == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        }
        HttpResponse<String> res;
        try {
            res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unreachable(access.unreachable(ep, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
        if (res.statusCode() / 100 != 2) {
            String msg = res.body();
            try {
                msg = Json.MAPPER.readTree(res.body()).path("error").asText(res.body());
            } catch (IOException ignored) {
                // keep the raw body
            }
            throw new ApiError(res.statusCode(), msg);
        }
        return res;
    }

    /** A control plane of this machine: its home says where its API listens and holds its token. */
    private record HomeAccess(BatonHome home) implements Access {
        @Override
        public Endpoint endpoint() {
            try {
                if (!Files.exists(home.apiFile()) || home.existingApiToken().isEmpty()) {
                    throw new Unreachable("no control plane has run in " + home.dir() + " (start one with 'baton up spec.yaml')");
                }
                JsonNode api = Json.MAPPER.readTree(home.apiFile().toFile());
                return new Endpoint(api.path("host").asText("127.0.0.1"), api.path("port").asInt(),
                        home.existingApiToken().get());
            } catch (IOException e) {
                throw new Unreachable("cannot read " + home.apiFile() + ": " + e.getMessage());
            }
        }

        @Override
        public String unreachable(Endpoint ep, IOException e) {
            return "the control plane is not answering on " + ep + " (is 'baton up' running in "
                    + home.dir().getParent() + "?)";
        }
    }
}
