package dev.baton.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The admin endpoints, as a function from request to response; the transport is {@link AdminServer}.
 * See {@code docs/proxy.md} for the shapes. Invalid input gets 400 with a message naming the field,
 * and the live table is then unchanged.
 */
final class AdminApi {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_WAIT_MS = 300_000;

    /** A response: status, content type and body. */
    record Reply(HttpResponseStatus status, String contentType, String body) {
        static Reply json(HttpResponseStatus status, Object value) {
            try {
                return new Reply(status, "application/json", JSON.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Reply error(HttpResponseStatus status, String message) {
            return json(status, Map.of("error", message));
        }
    }

    private final BatonProxy proxy;
    private final SteeringTerm steering = new SteeringTerm();

    AdminApi(BatonProxy proxy) {
        this.proxy = proxy;
    }

    /** The path of the readiness endpoint, the one endpoint that needs no token: it tells nothing but ready or not. */
    static final String READY_PATH = "/ready";

    /** {@code GET /ready}: 200 once the proxy holds a route table and runs, 503 before and while it stops. */
    Reply readiness() {
        return proxy.ready() ? Reply.json(HttpResponseStatus.OK, Map.of("ready", true))
                : Reply.json(HttpResponseStatus.SERVICE_UNAVAILABLE, Map.of("ready", false));
    }

    CompletableFuture<Reply> handle(HttpMethod method, String uri, String body) {
        QueryStringDecoder q = new QueryStringDecoder(uri);
        String path = q.path();
        List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/"));
        try {
            if (method.equals(HttpMethod.GET) && path.equals("/metrics")) {
                return done(new Reply(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                        proxy.prometheusText()));
            }
            if (method.equals(HttpMethod.GET) && path.equals("/v1/state")) {
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("routeTable", proxy.routeTable());
                state.put("backends", proxy.backends());
                state.put("metrics", proxy.metrics());
                state.put("pinnedMetrics", proxy.pinnedMetrics());
                state.put("term", steering.highest());
                return done(Reply.json(HttpResponseStatus.OK, state));
            }
            if (method.equals(HttpMethod.GET) && path.equals("/v1/metrics")) {
                return done(Reply.json(HttpResponseStatus.OK, proxy.metrics()));
            }
            if (path.equals("/v1/routes")) {
                if (method.equals(HttpMethod.GET)) {
                    return done(Reply.json(HttpResponseStatus.OK, proxy.routeTable()));
                }
                if (method.equals(HttpMethod.PUT)) {
                    RouteTable table = JSON.readValue(requireBody(body), RouteTable.class);
                    return done(steered(q, () -> {
                        proxy.setRouteTable(table);
                        return Reply.json(HttpResponseStatus.OK, proxy.routeTable());
                    }));
                }
            }
            if (path.equals("/v1/weights") && method.equals(HttpMethod.PUT)) {
                Map<String, Integer> weights = JSON.readValue(requireBody(body), new TypeReference<>() { });
                return done(steered(q, () -> Reply.json(HttpResponseStatus.OK, proxy.setWeights(weights))));
            }
            if (parts.size() >= 3 && parts.get(0).equals("v1") && parts.get(1).equals("backends")) {
                return backend(method, parts, q, body);
            }
            return done(Reply.error(HttpResponseStatus.NOT_FOUND, "no endpoint " + method + " " + path));
        } catch (JsonProcessingException e) {
            return done(Reply.error(HttpResponseStatus.BAD_REQUEST, jsonMessage(e)));
        } catch (IllegalArgumentException e) {
            return done(Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage()));
        } catch (SteeringTerm.StaleTermException e) {
            return done(Reply.error(HttpResponseStatus.CONFLICT, e.getMessage()));
        } catch (UncheckedIOException e) {
            return done(Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage()));
        }
    }

    private CompletableFuture<Reply> backend(HttpMethod method, List<String> parts, QueryStringDecoder q, String body)
            throws JsonProcessingException {
        String id = parts.get(2);
        if (parts.size() == 3 && method.equals(HttpMethod.GET)) {
            return done(proxy.backend(id).map(b -> Reply.json(HttpResponseStatus.OK, b))
                    .orElseGet(() -> Reply.error(HttpResponseStatus.NOT_FOUND, "backend: unknown backend '" + id + "'")));
        }
        if (parts.size() == 4 && parts.get(3).equals("drain") && method.equals(HttpMethod.POST)) {
            long timeoutMs = proxy.config().drainTimeout().toMillis();
            if (body != null && !body.isBlank()) {
                DrainRequest req = JSON.readValue(body, DrainRequest.class);
                if (req.timeoutMs() != null) {
                    timeoutMs = req.timeoutMs();
                }
            }
            if (timeoutMs <= 0 || timeoutMs > 3_600_000) {
                throw new IllegalArgumentException("timeoutMs: must be between 1 and 3600000, was " + timeoutMs);
            }
            long drainMs = timeoutMs;
            return done(steered(q, () -> {
                proxy.drain(id, Duration.ofMillis(drainMs));
                return Reply.json(HttpResponseStatus.ACCEPTED, proxy.backend(id).orElseThrow());
            }));
        }
        if (parts.size() == 4 && parts.get(3).equals("idle") && method.equals(HttpMethod.GET)) {
            long waitMs = 0;
            List<String> w = q.parameters().get("waitMs");
            if (w != null) {
                try {
                    waitMs = Long.parseLong(w.get(0));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("waitMs: must be a number of milliseconds, was '" + w.get(0) + "'");
                }
                if (waitMs < 0 || waitMs > MAX_WAIT_MS) {
                    throw new IllegalArgumentException("waitMs: must be between 0 and " + MAX_WAIT_MS + ", was " + waitMs);
                }
            }
            CompletableFuture<Boolean> idle = waitMs == 0
                    ? CompletableFuture.completedFuture(proxy.isIdle(id))
                    : proxy.awaitIdle(id, Duration.ofMillis(waitMs));
            return idle.thenApply(i -> Reply.json(HttpResponseStatus.OK, proxy.backend(id).orElseThrow()));
        }
        return done(Reply.error(HttpResponseStatus.NOT_FOUND, "no endpoint " + method + " " + q.path()));
    }

    /**
     * Runs a steering call if its {@code term} (when it has one) is not older than the newest seen; the check and the
     * change happen under the proxy's lock, so a stale call cannot land between a newer call's check and its change.
     */
    private Reply steered(QueryStringDecoder q, java.util.function.Supplier<Reply> change) {
        List<String> t = q.parameters().get("term");
        Long term = SteeringTerm.parse(t == null ? null : t.getFirst());
        synchronized (proxy) {
            if (term != null) {
                steering.admit(term);
            }
            return change.get();
        }
    }

    /** Body of {@code POST /v1/backends/{id}/drain}. */
    record DrainRequest(Long timeoutMs) {
    }

    private static String requireBody(String body) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("body: required (JSON)");
        }
        return body;
    }

    private static String jsonMessage(JsonProcessingException e) {
        String where = "";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    sb.append('[').append(r.getIndex()).append(']');
                }
            }
            where = sb + ".";
        }
        // Validation in a record's constructor arrives wrapped; its message names the field inside
        // the object at the path, e.g. versions[0]. + backends[1]: ...
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof IllegalArgumentException) {
                return (where.isEmpty() || c.getMessage().startsWith(where) ? "" : where) + c.getMessage();
            }
        }
        return (where.isEmpty() ? "" : where.substring(0, where.length() - 1) + ": ") + "invalid JSON: "
                + e.getOriginalMessage();
    }

    private static CompletableFuture<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }
}
