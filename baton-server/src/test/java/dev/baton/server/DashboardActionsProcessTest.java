package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's actions against a real control plane, as the page sends them (session cookie and CSRF token):
 * dead letters retried and waiting jobs discarded by filter, a rollout paused, resumed and aborted, a rollback to
 * a revision, and a refusal passed on as the REST API gives it; each recorded as an event naming who acted.
 */
@Tag("process")
class DashboardActionsProcessTest extends LiveHomeTest {
    private DashboardHttp http;
    private String cookie;
    private String csrf;

    private JsonNode act(String action, String json, int expected) throws Exception {
        HttpResponse<String> res = http.post("/dashboard/api/" + action, cookie, csrf, json);
        assertThat(res.statusCode()).as("%s answered %s", action, res.body()).isEqualTo(expected);
        return Json.MAPPER.readTree(res.body());
    }

    private List<String> events() throws Exception {
        return http.state(cookie).path("events").findValuesAsText("detail");
    }

    @Test
    void actionsByFilterAndOnTheRolloutAreDoneAndRecordedWithWhoDidThem() throws Exception {
        live = new LiveHome("baton-dashboard-actions");
        ControlPlaneProcess cp = DashboardHttp.rollingV1(live);
        http = new DashboardHttp(live.home);
        cookie = DashboardHttp.cookieOf(http.login(DashboardHttp.token(live.home.tokenFile())));
        csrf = http.state(cookie).path("csrf").asText();
        String by = " by the API token (dashboard session ";

        // Dead letters: all of one kind retried, the other kind left alone; then the same jobs discarded by filter.
        List<Long> mail = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mail.add(cp.client().post("/v1/jobs", Map.of("kind", "mail.send", "payload", Map.of("n", i))).path("id").asLong());
        }
        long report = cp.client().post("/v1/jobs", Map.of("kind", "report.build", "payload", Map.of())).path("id").asLong();
        List<Long> all = new ArrayList<>(mail);
        all.add(report);
        cp.client().post("/v1/jobs/discard", Map.of("ids", all));
        assertThat(http.state(cookie).path("jobs").path("deadLetters").findValuesAsText("id")).hasSize(4);
        assertThat(Json.MAPPER.readTree(http.get("/dashboard/api/state?kind=mail.send", cookie).body()).path("jobs")
                .path("deadLetters").findValuesAsText("kind")).containsExactly("mail.send", "mail.send", "mail.send");

        assertThat(act("jobs/retry", "{\"all\":true,\"kind\":\"mail.send\"}", 200).path("retried").asInt()).isEqualTo(3);
        for (long id : mail) {
            assertThat(cp.client().get("/v1/jobs/" + id).path("state").asText()).isEqualTo("AVAILABLE");
        }
        assertThat(cp.client().get("/v1/jobs/" + report).path("state").asText()).isEqualTo("DISCARDED");
        assertThat(act("jobs/discard", "{\"all\":true,\"kind\":\"mail.send\"}", 200).path("discarded").asInt()).isEqualTo(3);
        assertThat(cp.client().get("/v1/jobs/" + mail.getFirst()).toString()).contains("discarded from the dashboard by the API token");
        assertThat(act("jobs/retry", "{\"ids\":[" + report + ", 999999]}", 200).path("notChanged").findValuesAsText("reason"))
                .singleElement().asString().startsWith("no such job");
        assertThat(events()).anyMatch(d -> d.startsWith("retried 3 of all discarded jobs matching kind=mail.send queue=any version=any" + by))
                .anyMatch(d -> d.startsWith("discarded 3 of all available jobs matching kind=mail.send queue=any version=any" + by))
                .anyMatch(d -> d.startsWith("retried 1 of job(s) [" + report + ", 999999]" + by));

        // A refusal comes back as the REST API gives it: nothing to promote in a rolling rollout.
        assertThat(act("promote", "{}", 409).path("error").asText()).contains("no rollout in progress");

        // A rollout held by a slow start: paused, resumed, aborted.
        cp.client().post("/v1/deploys", Map.of("version", "v2", "env", Map.of("TEST_APP_START_DELAY_MS", "5000")));
        act("pause", "{}", 200);
        assertThat(cp.client().status().path("rollout").path("paused").asBoolean()).isTrue();
        act("resume", "{}", 200);
        assertThat(cp.client().status().path("rollout").path("paused").asBoolean()).isFalse();
        act("abort", "{\"reason\":\"wrong build\"}", 200);
        await().atMost(START).until(() -> cp.client().status().path("rollout").path("phase").asText().equals("ROLLED_BACK"));
        assertThat(events()).anyMatch(d -> d.startsWith("pause" + by)).anyMatch(d -> d.startsWith("resume" + by))
                .anyMatch(d -> d.startsWith("abort (wrong build)" + by));

        // Back to a revision that succeeded.
        String v3 = cp.client().post("/v1/deploys", Map.of("version", "v3")).path("id").asText();
        assertThat(cp.client().awaitOutcome(v3, START, e -> { }).path("rollout").path("phase").asText()).isEqualTo("SUCCEEDED");
        // Right after a rollout ends, its hand-over to supervision may still be under way: the rollback waits for it.
        HttpResponse<String> accepted = http.post("/dashboard/api/rollback", cookie, csrf, "{\"revision\":1}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        JsonNode back = Json.MAPPER.readTree(accepted.body()).path("rollout");
        assertThat(back.path("rollbackTo").asInt()).isEqualTo(1);
        assertThat(back.path("version").asText()).isEqualTo("v1");
        await().atMost(START).until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null))
                && cp.client().status().path("rollout").path("phase").asText().equals("SUCCEEDED"));
        assertThat(act("rollback", "{\"revision\":0}", 400).path("error").asText()).startsWith("revision: ");
        assertThat(act("no-such-action", "{}", 404).path("error").asText()).contains("no-such-action");
    }
}
