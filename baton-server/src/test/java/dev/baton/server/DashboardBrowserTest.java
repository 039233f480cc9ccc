package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.proof.HttpLoad;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The dashboard in a real browser (Debian's headless Chromium, driven by Selenium) against a real control plane
 * ({@code baton up} in its own JVM, embedded PostgreSQL, the proxy and instances as processes): a wrong token is
 * refused and the API token signs in; a canary is seen going step by step and is promoted with the button after
 * a confirmation; a dead letter is retried from the page; the read-only token sees everything and cannot act.
 * Screenshots of the main views go to {@code target/dashboard-screenshots} (the docs' pictures are these).
 */
@Tag("process")
@Tag("browser")
class DashboardBrowserTest extends LiveHomeTest {
    private static final Path SHOTS = Path.of("target/dashboard-screenshots");

    @Test
    void anOperatorWatchesACanaryStepByStepPromotesItAndRetriesADeadLetterWhileReadOnlyCannotAct() throws Exception {
        live = new LiveHome("baton-dashboard-browser");
        ControlPlaneProcess cp = live.controlPlane(live.spec("""
                version: v1
                instances: 2
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                strategy: { type: canary, steps: [ {weight: 50, pause: 8s}, {weight: 75, pause: forever}, {weight: 100} ] }
                """)).start();
        cp.awaitApi(START);
        await().atMost(START).until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null)));
        String base = new DashboardHttp(live.home).base;

        try (Browser b = new Browser()) {
            // A wrong token is refused; the API token signs in.
            b.open(base + "/dashboard/");
            b.shown(By.id("token")).sendKeys("not-the-token");
            b.click(By.id("sign-in"));
            assertThat(b.text(By.id("login-error"))).contains("neither the API token nor the read-only token");
            b.shown(By.id("token")).sendKeys(DashboardHttp.token(live.home.tokenFile()));
            b.click(By.id("sign-in"));
            b.until(() -> b.text(By.id("stable")).equals("stable v1") ? true : null);
            assertThat(b.text(By.id("access"))).isEqualTo("operator");
            assertThat(b.driver.manage().getCookieNamed(Dashboard.COOKIE).isHttpOnly()).isTrue();
            assertThat(b.driver.manage().getCookieNamed(Dashboard.COOKIE).getSameSite()).isEqualTo("Strict");

            // A canary seen step by step under HTTP load: 50% with its pause, then 75% waiting for promote.
            try (HttpLoad load = LiveHome.steadyLoad(live.trafficPort)) {
                cp.client().post("/v1/deploys", Map.of("version", "v2"));
                b.until(() -> b.text(By.id("rollout-step")).contains("step 1/3") ? true : null);
                b.until(() -> b.text(By.id("traffic")).contains("v2 50%") ? true : null);
                b.until(() -> b.text(By.id("rollout-step")).contains("step 2/3") ? true : null);
                b.until(() -> b.text(By.id("traffic")).contains("v2 75%") && b.present(By.id("rollout-waiting")) ? true : null);
                assertThat(b.text(By.id("instances"))).contains("v2").contains("READY");
                b.until(() -> b.text(By.id("chart-http")).contains("v2 requests/s") ? true : null);
                b.screenshot(SHOTS.resolve("dashboard-rollout.png"));

                // Promoted with the button, after a confirmation that says what will happen.
                b.click(By.id("promote"));
                assertThat(b.text(By.id("confirm-text"))).contains("Promote v2");
                b.click(By.id("confirm-ok"));
                b.until(() -> b.text(By.id("stable")).equals("stable v2") ? true : null);
                assertThat(b.text(By.id("rollout-phase"))).isEqualTo("SUCCEEDED");
                assertThat(cp.client().status().path("rollout").path("phase").asText()).isEqualTo("SUCCEEDED");
                assertThat(b.text(By.id("events"))).contains("promote by the API token (dashboard session ");
                assertThat(b.text(By.id("history"))).contains("v1").contains("v2");
                assertThat(load.stop().notOk()).as("requests failed during the canary").isEmpty();
            }

            // A dead letter retried from the page.
            long id = cp.client().post("/v1/jobs", Map.of("kind", "mail.send", "payload", Map.of("to", "a@example.com")))
                    .path("id").asLong();
            cp.client().post("/v1/jobs/discard", Map.of("ids", List.of(id), "reason", "smtp refused"));
            b.click(By.id("retry-" + id));
            b.until(() -> b.text(By.id("message")).contains("retry job " + id + ": done") ? true : null);
            assertThat(cp.client().get("/v1/jobs/" + id).path("state").asText()).isEqualTo("AVAILABLE");
            cp.client().post("/v1/jobs/discard", Map.of("ids", List.of(id), "reason", "smtp refused again"));
            b.shown(By.id("retry-" + id));
            b.screenshot(SHOTS.resolve("dashboard-jobs.png"));

            // The read-only token: sees the same, no action is offered, and an action forced anyway answers 403.
            b.click(By.id("logout"));
            b.shown(By.id("token")).sendKeys(DashboardHttp.token(live.home.readOnlyTokenFile()));
            b.click(By.id("sign-in"));
            b.until(() -> b.text(By.id("access")).equals("read-only") ? true : null);
            b.until(() -> b.driver.findElements(By.id("retry-" + id)).isEmpty() || !b.present(By.id("retry-" + id)) ? true : null);
            assertThat(b.text(By.id("dead-letters"))).contains(Long.toString(id)).contains("smtp refused again");
            Object status = b.driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch('/dashboard/api/jobs/retry', {method: 'POST', headers: {'Content-Type': 'application/json',
                      'X-Baton-CSRF': csrf}, body: JSON.stringify({ids: [%d]})}).then(r => done(r.status));
                    """.formatted(id));
            assertThat(((Number) status).intValue()).isEqualTo(403);
            assertThat(cp.client().get("/v1/jobs/" + id).path("state").asText()).isEqualTo("DISCARDED");
        }
    }
}
