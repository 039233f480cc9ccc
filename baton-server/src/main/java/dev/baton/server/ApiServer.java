package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.queue.Enqueued;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.SpecException;
import dev.baton.queue.Job;
import dev.baton.queue.JobCommands;
import dev.baton.queue.JobState;
import dev.baton.queue.JobRequest;
import dev.baton.queue.NotLeaderException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API on a loopback address only (127.0.0.1 unless {@code up --api-host} names another); every request needs {@code Authorization: Bearer <token>} (401 otherwise).
 * JSON in and out; bad input is a 400 naming the field, a state conflict a 409. Endpoints: {@code docs/cli.md}.
 * Nothing it answers may be cached. The {@link Dashboard} is served under {@code /dashboard}, with its own login.
 */
final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final int MAX_BODY = 1 << 20;

    private final ControlPlane cp;
    private final byte[] expected;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Dashboard dashboard;

    ApiServer(ControlPlane cp, String token, String host, int port) {
        this.cp = cp;
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        this.dashboard = new Dashboard(cp, new DashboardSessions(token, cp.home().readOnlyToken(), cp.clock()));
        server.createContext("/dashboard", dashboard);
    }

    ApiServer start() {
        server.start();
        log.info("REST API on {}:{}", host(), port());
        return this;
    }

    int port() {
        return server.getAddress().getPort();
    }

    String host() {
        return server.getAddress().getAddress().getHostAddress();
    }

    private record Reply(int status, String contentType, String body) {
        static Reply json(int status, Object value) {
            return new Reply(status, "application/json", Json.write(value));
        }

        static Reply error(int status, String message) {
            return json(status, Map.of("error", message));
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        Reply reply;
        try {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(expected, auth.getBytes(StandardCharsets.UTF_8))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                reply = Reply.error(401, "Authorization: Bearer <token> required (the token is in .baton/token)");
            } else {
                reply = route(ex.getRequestMethod(), ex.getRequestURI().getPath(), query(ex.getRequestURI().getRawQuery()),
                        body(ex.getRequestBody()));
            }
        } catch (ApiException e) {
            reply = Reply.error(e.status(), e.getMessage());
        } catch (NotLeaderException e) {
            reply = Reply.error(503, "standby: " + e.getMessage()); // deposed while answering; nothing was written
        } catch (IllegalArgumentException e) {
            reply = Reply.error(400, e.getMessage());
        } catch (RuntimeException e) {
            if (databaseCause(e) != null) {
                // PostgreSQL restarting or out of reach: the same request will work again shortly.
                log.warn("{} {}: database unavailable: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(),
                        databaseCause(e).getMessage());
                ex.getResponseHeaders().set("Retry-After", "1");
                reply = Reply.error(503, "database unavailable, try again: " + databaseCause(e).getMessage());
            } else {
                log.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
                reply = Reply.error(500, "internal error: " + e.getMessage());
            }
        }
        cp.metrics().request(reply.status());
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", reply.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    /** The SQL error behind a failure, if there is one. */
    static java.sql.SQLException databaseCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private Reply route(String method, String path, Map<String, String> q, JsonNode body) {
        List<String> p = List.of(path.replaceAll("^/+|/+$", "").split("/"));
        boolean get = method.equals("GET");
        boolean post = method.equals("POST");
        if (get && path.equals("/metrics")) {
            return new Reply(200, "text/plain; version=0.0.4; charset=utf-8", cp.metrics().scrape());
        }
        if (get && path.equals("/v1/status")) {
            return Reply.json(200, cp.status());
        }
        if (post && path.equals("/v1/deploys")) {
            Map<String, String> env = new LinkedHashMap<>();
            body.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            JsonNode strategy = body.path("strategy");
            Map<String, String> settings = new LinkedHashMap<>();
            body.path("set").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
            DeployRequest req = (strategy.isObject()
                    ? new DeployRequest(text(body, "version"), null, env, strategy.toString())
                    : new DeployRequest(text(body, "version"), text(body, "strategy"), env)).withSettings(settings);
            String id = cp.deploy(req);
            return Reply.json(202, cp.rollout(id).orElseThrow());
        }
        if (post && path.equals("/v1/spec")) {
            String yaml = text(body, "spec");
            if (yaml == null) {
                throw ApiException.badRequest("spec: required, the app spec as YAML text");
            }
            AppSpec spec;
            try {
                spec = SpecFile.parse(yaml).spec();
            } catch (SpecException e) {
                throw ApiException.badRequest(String.join("; ", e.errors()));
            }
            boolean dryRun = body.path("dryRun").asBoolean(false);
            List<String> changes = cp.apply(spec, dryRun);
            return Reply.json(200, Map.of("app", spec.app(), "changes", changes, "applied", !dryRun && !changes.isEmpty()));
        }
        if (post && path.equals("/v1/dashboard/links")) {
            String secret = dashboard.sessions().newLink();
            return Reply.json(201, Map.of("url", "http://" + host() + ":" + port() + "/dashboard/link?secret=" + secret,
                    "expiresIn", DashboardSessions.LINK_TTL));
        }
        if (get && path.equals("/v1/rollouts")) {
            return Reply.json(200, cp.history(intParam(q, "limit", 20, 1, 1000)));
        }
        if (get && p.size() == 3 && p.get(0).equals("v1") && p.get(1).equals("rollouts")) {
            return Reply.json(200, cp.rolloutDetail(p.get(2))
                    .orElseThrow(() -> ApiException.notFound("rollout: no rollout '" + p.get(2) + "'")));
        }
        if (p.size() >= 2 && p.get(0).equals("v1") && p.get(1).equals("jobs")) {
            return jobs(method, path, q, body);
        }
        if (post && p.size() == 2 && p.get(0).equals("v1")) {
            switch (p.get(1)) {
                case "promote" -> cp.promote();
                case "pause" -> cp.pause();
                case "resume" -> cp.resume();
                case "abort" -> cp.abort(text(body, "reason"));
                case "rollback" -> {
                    Long rev = body.hasNonNull("revision") ? revision(body.get("revision")) : null;
                    return Reply.json(202, cp.rollout(cp.rollback(rev)).orElseThrow());
                }
                case "shutdown" -> {
                    cp.requireLeader();
                    Thread.ofPlatform().name("baton-shutdown").start(() -> {
                        cp.shutdownEverything(java.time.Duration.ofSeconds(30));
                        System.exit(0);
                    });
                    return Reply.json(202, Map.of("stopping", true));
                }
                default -> {
                    return Reply.error(404, "no endpoint " + method + " " + path);
                }
            }
            return Reply.json(200, cp.status());
        }
        if (get && p.size() == 4 && p.get(0).equals("v1") && p.get(1).equals("instances") && p.get(3).equals("logs")) {
            String from = q.get("from");
            if (from == null) {
                return new Reply(200, "text/plain; charset=utf-8",
                        String.join("\n", cp.logs(p.get(2), intParam(q, "lines", 200, 1, 100_000))) + "\n");
            }
            return Reply.json(200, from.equals("tail") ? cp.logTail(p.get(2), intParam(q, "lines", 200, 1, 100_000))
                    : cp.logFrom(p.get(2), longParam(q, "from")));
        }
        return Reply.error(404, "no endpoint " + method + " " + path);
    }

    private Reply jobs(String method, String path, Map<String, String> q, JsonNode body) {
        var queue = cp.queue();
        if (method.equals("GET") && path.equals("/v1/jobs")) {
            JobState state = null;
            if (q.get("state") != null) {
                try {
                    state = JobState.valueOf(q.get("state").toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("state: must be one of " + java.util.Arrays.toString(JobState.values())
                            + ", got '" + q.get("state") + "'");
                }
            }
            return Reply.json(200, cp.jobCommands().list(state, q.get("kind"), q.get("queue"),
                    intParam(q, "limit", 50, 1, 1000)).stream().map(ApiServer::jobView).toList());
        }
        if (method.equals("GET") && path.matches("/v1/jobs/\\d{1,18}")) {
            return Reply.json(200, jobDetail(cp, Long.parseLong(path.substring("/v1/jobs/".length()))));
        }
        if (method.equals("GET") && path.equals("/v1/jobs/stats")) {
            return Reply.json(200, Map.of("kinds", queue.stats().kinds(), "routing", queue.routing().shares(),
                    "paused", cp.pausedQueues(), "lastMinute", cp.jobCommands().lastMinute()));
        }
        if (method.equals("POST") && path.equals("/v1/jobs/pause")) {
            String name = text(body, "queue");
            boolean changed = cp.queuePauses().pause(name, text(body, "reason"));
            return Reply.json(200, Map.of("queue", name, "paused", true, "changed", changed));
        }
        if (method.equals("POST") && path.equals("/v1/jobs/resume")) {
            String name = text(body, "queue");
            boolean changed = cp.queuePauses().resume(name);
            return Reply.json(200, Map.of("queue", name, "paused", false, "changed", changed));
        }
        if (method.equals("POST") && path.equals("/v1/jobs")) {
            String kind = text(body, "kind");
            JsonNode payload = body.get("payload");
            JobRequest req = JobRequest.of(kind, payload == null ? null : payload.toString());
            if (body.hasNonNull("queue")) {
                req = req.withQueue(body.get("queue").asText());
            }
            if (body.hasNonNull("unique_key")) {
                req = req.withUniqueKey(body.get("unique_key").asText());
            }
            Enqueued e = queue.enqueue(req);
            return Reply.json(201, Map.of("id", e.id(), "existing", e.existing()));
        }
        if (method.equals("POST") && path.equals("/v1/jobs/retry")) {
            return Reply.json(200, outcomes("retried", cp.jobCommands().retry(ids(body))));
        }
        if (method.equals("POST") && path.equals("/v1/jobs/discard")) {
            String reason = body.hasNonNull("reason") ? body.get("reason").asText() : "discarded by request";
            return Reply.json(200, outcomes("discarded", cp.jobCommands().discard(ids(body), reason)));
        }
        return Reply.error(404, "no endpoint " + method + " " + path);
    }

    /** A job as {@code jobs show} shows it: as in the list, with its payload and whole error history. */
    static Map<String, Object> jobDetail(ControlPlane cp, long id) {
        JobCommands.Detail d = cp.jobCommands().show(id)
                .orElseThrow(() -> ApiException.notFound("job: no job " + id + " (never enqueued, or pruned)"));
        Map<String, Object> view = new LinkedHashMap<>(jobView(d.job()));
        view.put("payload", d.job().payload());
        view.put("history", d.history());
        return view;
    }

    /** A job as {@code jobs list} shows it. */
    static Map<String, Object> jobView(Job j) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", j.id());
        v.put("kind", j.kind());
        v.put("queue", j.queue());
        v.put("state", j.state().name());
        v.put("attempt", j.attempt());
        v.put("maxAttempts", j.maxAttempts());
        v.put("runAt", j.runAt());
        v.put("createdAt", j.createdAt());
        v.put("version", j.version());
        v.put("uniqueKey", j.uniqueKey());
        v.put("lastError", j.errors().isEmpty() ? null : j.errors().getLast());
        return v;
    }

    /** {@code {<verb>: n, notChanged: [{id, reason}]}}. */
    private static Map<String, Object> outcomes(String verb, List<JobCommands.Outcome> outcomes) {
        List<Map<String, Object>> notChanged = outcomes.stream().filter(o -> !o.changed())
                .map(o -> Map.<String, Object>of("id", o.id(), "reason", o.reason())).toList();
        return Map.of(verb, outcomes.size() - notChanged.size(), "notChanged", notChanged);
    }

    private static List<Long> ids(JsonNode body) {
        JsonNode ids = body.get("ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw ApiException.badRequest("ids: required, a non-empty list of job ids");
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).canConvertToLong()) {
                throw ApiException.badRequest("ids[" + i + "]: must be a job id (a number), got " + ids.get(i));
            }
            out.add(ids.get(i).asLong());
        }
        return out;
    }

    static Long revision(JsonNode n) {
        if (!n.canConvertToLong() || n.asLong() < 1) {
            throw ApiException.badRequest("revision: must be a revision number >= 1, got " + n);
        }
        return n.asLong();
    }

    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static int intParam(Map<String, String> q, String name, int dflt, int min, int max) {
        String v = q.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(name + ": must be a whole number " + min + ".." + max + ", got '" + v + "'");
    }

    private static long longParam(Map<String, String> q, String name) {
        try {
            long n = Long.parseLong(q.get(name));
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(name + ": must be 'tail' or a byte offset >= 0, got '" + q.get(name) + "'");
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            out.put(k, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static JsonNode body(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw ApiException.badRequest("body: larger than " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw ApiException.badRequest("body: must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("body: not valid JSON: " + e.getOriginalMessage());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        dashboard.close();
        executor.shutdownNow();
    }
}
