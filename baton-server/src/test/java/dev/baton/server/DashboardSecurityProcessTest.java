package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's security from outside, with a plain HTTP client against a real control plane ({@code baton up}
 * in its own JVM): login with each token and a wrong one, the session cookie's flags, nothing cacheable, every
 * action refused without the session's CSRF token, the read-only session refused every action, one-time links.
 */
@Tag("process")
class DashboardSecurityProcessTest extends LiveHomeTest {

    @Test
    void loginCookieCsrfReadOnlyAndNoStoreHoldFromOutside() throws Exception {
        live = new LiveHome("baton-dashboard-security");
        ControlPlaneProcess cp = DashboardHttp.rollingV1(live);
        DashboardHttp http = new DashboardHttp(live.home);
        String apiToken = DashboardHttp.token(live.home.tokenFile());
        String readOnlyToken = DashboardHttp.token(live.home.readOnlyTokenFile());
        assertThat(Files.getPosixFilePermissions(live.home.readOnlyTokenFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(readOnlyToken).isNotEqualTo(apiToken).hasSizeGreaterThanOrEqualTo(43);

        // Not signed in: the page sends to the login, the data is refused; nothing is cached.
        HttpResponse<String> page = http.get("/dashboard/", null);
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).contains("/dashboard/login");
        assertThat(http.get("/dashboard/api/state", null).statusCode()).isEqualTo(401);
        HttpResponse<String> loginPage = http.get("/dashboard/login", null);
        assertThat(loginPage.statusCode()).isEqualTo(200);
        assertThat(loginPage.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(http.get("/v1/status", null).headers().firstValue("Cache-Control")).contains("no-store");

        // A wrong token: refused, no cookie.
        HttpResponse<String> wrong = http.login(apiToken + "x");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(wrong.body()).contains("neither the API token nor the read-only token");

        // The API token: an HttpOnly, SameSite=Strict cookie for the whole origin.
        HttpResponse<String> ok = http.login(apiToken);
        assertThat(ok.statusCode()).isEqualTo(303);
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(Dashboard.COOKIE + "=").contains("; HttpOnly").contains("; SameSite=Strict")
                .contains("; Path=/;").doesNotContain(apiToken);
        String operator = DashboardHttp.cookieOf(ok);
        HttpResponse<String> signedIn = http.get("/dashboard/", operator);
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(signedIn.headers().firstValue("Cache-Control")).contains("no-store");
        HttpResponse<String> stateAnswer = http.get("/dashboard/api/state", operator);
        assertThat(stateAnswer.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode state = Json.MAPPER.readTree(stateAnswer.body());
        assertThat(state.path("access").asText()).isEqualTo("OPERATOR");
        assertThat(state.path("status").path("stableVersion").asText()).isEqualTo("v1");
        String csrf = state.path("csrf").asText();

        // An action without the CSRF token, or with another's, is refused and changes nothing.
        String pause = "{\"queue\":\"mail\"}";
        assertThat(http.post("/dashboard/api/queues/pause", operator, null, pause).statusCode()).isEqualTo(403);
        assertThat(http.post("/dashboard/api/queues/pause", operator, csrf + "x", pause).statusCode()).isEqualTo(403);
        assertThat(http.post("/dashboard/api/queues/pause", null, csrf, pause).statusCode()).isEqualTo(401);
        assertThat(cp.client().get("/v1/jobs/stats").path("paused")).isEmpty();
        // With it, the action is done and recorded with who did it.
        HttpResponse<String> done = http.post("/dashboard/api/queues/pause", operator, csrf, pause);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(cp.client().get("/v1/jobs/stats").path("paused").findValuesAsText("queue")).containsExactly("mail");
        assertThat(http.state(operator).path("events").findValuesAsText("detail"))
                .anyMatch(d -> d.startsWith("pause queue mail by the API token (dashboard session "));

        // The read-only token sees everything and can do nothing.
        String reader = DashboardHttp.cookieOf(http.login(readOnlyToken));
        JsonNode seen = http.state(reader);
        assertThat(seen.path("access").asText()).isEqualTo("READ_ONLY");
        assertThat(seen.path("jobs").path("paused").findValuesAsText("queue")).containsExactly("mail");
        String readerCsrf = seen.path("csrf").asText();
        for (String action : new String[] {"queues/resume", "promote", "pause", "resume", "abort", "rollback",
                "jobs/retry", "jobs/discard"}) {
            HttpResponse<String> refused = http.post("/dashboard/api/" + action, reader, readerCsrf,
                    "{\"queue\":\"mail\",\"ids\":[1],\"all\":true}");
            assertThat(refused.statusCode()).as("%s by the read-only session: %s", action, refused.body()).isEqualTo(403);
        }
        assertThat(cp.client().get("/v1/jobs/stats").path("paused").findValuesAsText("queue")).containsExactly("mail");
        assertThat(cp.client().status().path("rollout").path("revision").asInt()).as("no rollback started").isEqualTo(1);

        // A one-time login link: one operator session, once.
        String url = cp.client().post("/v1/dashboard/links", java.util.Map.of()).path("url").asText();
        String path = url.substring(http.base.length());
        HttpResponse<String> first = http.get(path, null);
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(http.state(DashboardHttp.cookieOf(first)).path("access").asText()).isEqualTo("OPERATOR");
        HttpResponse<String> again = http.get(path, null);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();

        // Signing out ends the session.
        assertThat(http.post("/dashboard/api/logout", operator, csrf, "{}").statusCode()).isEqualTo(200);
        assertThat(http.get("/dashboard/api/state", operator).statusCode()).isEqualTo(401);

        // No token is written to the control plane's log.
        String log = Files.readString(cp.logFile());
        assertThat(log).doesNotContain(apiToken).doesNotContain(readOnlyToken);
    }
}
