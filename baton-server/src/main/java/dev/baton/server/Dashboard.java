package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard, under {@code /dashboard} on the REST API's loopback port: a login page (the API token, the
 * read-only token, or a one-time link), then one page that polls {@code /dashboard/api/state} and posts actions
 * to {@code /dashboard/api/...}. The session is an HttpOnly, SameSite=Strict cookie; every action carries the
 * session's CSRF token in {@value #CSRF_HEADER} (403 without it, and 403 for a read-only session); nothing is
 * cached ({@code Cache-Control: no-store}). Static files come from the jar, the chart library from its WebJar.
 */
final class Dashboard implements HttpHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
    static final String COOKIE = "baton_session";
    static final String CSRF_HEADER = "X-Baton-CSRF";
    private static final String STATIC = "/dev/baton/server/dashboard/";
    private static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    private static final Pattern STATIC_NAME = Pattern.compile("[a-z][a-z0-9-]*\\.(js|css|svg)");
    private static final int MAX_BODY = 64 * 1024;

    private final DashboardSessions sessions;
    private final DashboardSeries series;
    private final DashboardState state;
    private final DashboardActions actions;

    Dashboard(ControlPlane cp, DashboardSessions sessions) {
        this.sessions = sessions;
        this.series = new DashboardSeries(() -> cp.traffic().metrics(), cp.queue()::versionStats,
                cp.clock()).start();
        this.state = new DashboardState(cp, series);
        this.actions = new DashboardActions(cp);
    }

    @Override
    public void close() {
        series.close();
    }

    DashboardSessions sessions() {
        return sessions;
    }

    private record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(int status, Object value) {
            return new Reply(status, "application/json", Json.write(value).getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply error(int status, String message) {
            return json(status, Map.of("error", message));
        }

        static Reply html(int status, String page) {
            return new Reply(status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply redirect(String to, String cookie) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Location", to);
            if (cookie != null) {
                h.put("Set-Cookie", cookie);
            }
            return new Reply(303, "text/plain", new byte[0], h);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        Reply reply;
        try {
            reply = route(ex);
        } catch (ApiException e) {
            reply = Reply.error(e.status(), e.getMessage());
        } catch (IllegalArgumentException e) {
            reply = Reply.error(400, e.getMessage());
        } catch (RuntimeException e) {
            log.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            reply = Reply.error(ApiServer.databaseCause(e) != null ? 503 : 500, "internal error: " + e.getMessage());
        }
        var h = ex.getResponseHeaders();
        h.set("Content-Type", reply.contentType());
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
                + "form-action 'self'; base-uri 'none'");
        reply.headers().forEach(h::set);
        ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        if (reply.body().length > 0) {
            ex.getResponseBody().write(reply.body());
        }
        ex.close();
    }

    private Reply route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        Map<String, String> q = ApiServer.query(ex.getRequestURI().getRawQuery());
        boolean get = method.equals("GET");
        boolean post = method.equals("POST");
        if (get && path.startsWith("/dashboard/static/")) {
            return asset(path.substring("/dashboard/static/".length()));
        }
        if (get && path.equals("/dashboard/lib/echarts.min.js")) {
            return new Reply(200, "text/javascript; charset=utf-8", resource(ECHARTS), Map.of());
        }
        if (get && path.equals("/dashboard/login")) {
            return login(200, "");
        }
        if (post && path.equals("/dashboard/login")) {
            String token = form(ex.getRequestBody()).get("token");
            return sessions.login(token).map(s -> Reply.redirect("/dashboard/", cookie(s)))
                    .orElseGet(() -> login(401, "That token is neither the API token nor the read-only token."));
        }
        if (get && path.equals("/dashboard/link")) {
            return sessions.redeem(q.get("secret")).map(s -> Reply.redirect("/dashboard/", cookie(s)))
                    .orElseGet(() -> login(401, "That login link was used already or has expired; sign in with a token."));
        }
        Optional<DashboardSession> session = sessions.find(cookieValue(ex));
        if (get && (path.equals("/dashboard") || path.equals("/dashboard/"))) {
            return session.isPresent() ? Reply.html(200, page("index.html")) : Reply.redirect("/dashboard/login", null);
        }
        if (!path.startsWith("/dashboard/api/")) {
            return Reply.error(404, "no page " + method + " " + path);
        }
        DashboardSession s = session.orElseThrow(() -> new ApiException(401, "sign in first: /dashboard/login"));
        String api = path.substring("/dashboard/api/".length());
        if (get && api.equals("state")) {
            return Reply.json(200, state.of(s, q));
        }
        if (get && api.matches("jobs/\\d{1,18}")) {
            return Reply.json(200, state.job(Long.parseLong(api.substring("jobs/".length()))));
        }
        if (!post) {
            return Reply.error(404, "no endpoint " + method + " " + path);
        }
        // Every action: a session that may act, then its CSRF token, then the action.
        if (!s.csrfMatches(ex.getRequestHeaders().getFirst(CSRF_HEADER))) {
            throw new ApiException(403, CSRF_HEADER + ": missing or not this session's CSRF token");
        }
        if (api.equals("logout")) {
            sessions.logout(s.id());
            return new Reply(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                    Map.of("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
        }
        if (s.access() != DashboardSession.Access.OPERATOR) {
            throw new ApiException(403, "signed in with the read-only token: it can look, not act");
        }
        return Reply.json(200, actions.run(api, ApiServer.body(ex.getRequestBody()), s.who()));
    }

    private static String cookie(DashboardSession s) {
        return COOKIE + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + DashboardSessions.TTL.toSeconds();
    }

    private static String cookieValue(HttpExchange ex) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    private static Reply login(int status, String message) {
        return Reply.html(status, page("login.html").replace("{{message}}", escape(message)));
    }

    private static Reply asset(String name) {
        if (!STATIC_NAME.matcher(name).matches()) {
            return Reply.error(404, "no file " + name);
        }
        String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            default -> "image/svg+xml";
        };
        try {
            return new Reply(200, type, resource(STATIC + name), Map.of());
        } catch (ApiException e) {
            return Reply.error(404, "no file " + name);
        }
    }

    private static String page(String name) {
        return new String(resource(STATIC + name), StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw ApiException.notFound("no file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private static Map<String, String> form(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw ApiException.badRequest("body: larger than " + MAX_BODY + " bytes");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : new String(bytes, StandardCharsets.UTF_8).split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
