package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.postgres.EmbeddedDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two real control planes ({@code baton up} in their own JVMs, each on its own home and with its own proxy) on one
 * PostgreSQL, the instances as local processes (which either control plane can adopt: they run on this machine).
 * One leads, the other stands by; the leader is frozen (SIGSTOP) and later killed (SIGKILL) in the middle of a
 * canary, and the standby takes over each time and the canary ends as it should. The frozen one, woken up, finds
 * its term ended and steps down instead of driving beside the new leader. Takeover times are printed.
 */
class LeaderTakeoverProcessTest extends LiveHomeTest {
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(30);
    private EmbeddedDatabase database;
    private LiveHome other;

    @AfterEach
    void stopTheRest() throws Exception {
        try {
            if (other != null) {
                other.close();
            }
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    @Test
    void aStandbyTakesOverAFrozenLeaderAndThenAKilledOneMidCanaryAndTheWokenLeaderStepsDownWithoutWriting() throws Exception {
        database = EmbeddedDatabase.start(null, 0, EmbeddedDatabase.Durability.FAST);
        Map<String, String> env = Map.of("BATON_DATABASE_URL", database.config().urlWithCredentials());
        live = new LiveHome("baton-leader-a");
        other = new LiveHome("baton-leader-b");
        String canary = """
                version: v1
                instances: 1
                drain: { timeout: 5s, jobs_soft: 1s, jobs_hard: 2s }
                strategy: { type: canary, steps: [ {weight: 50, pause: forever}, {weight: 100} ] }
                """;
        ControlPlaneProcess a = live.controlPlane(live.spec(canary), env).start();
        a.awaitApi(START);
        await().atMost(START).until(() -> "v1".equals(a.client().status().path("stableVersion").asText(null)));
        assertThat(role(a)).isEqualTo("leader");
        String aName = a.client().status().path("leader").path("holder").asText();

        ControlPlaneProcess b = other.controlPlane(other.spec(canary), env).start();
        b.awaitApi(START);
        JsonNode standby = b.client().status();
        assertThat(standby.path("leader").path("role").asText()).isEqualTo("standby");
        assertThat(standby.path("leader").path("leader").asText()).startsWith(aName);
        assertThat(standby.path("stableVersion").asText()).as("read from the store").isEqualTo("v1");
        assertThat(b.client().text("/metrics")).contains("baton_leader 0");
        assertThat(a.client().text("/metrics")).contains("baton_leader 1");
        assertThatThrownBy(() -> b.client().post("/v1/promote", Map.of()))
                .isInstanceOfSatisfying(BatonClient.ApiError.class, e -> assertThat(e.status()).isEqualTo(503))
                .hasMessageContaining("standby: this control plane does not lead; the leader is " + aName);

        String id = a.client().deploy(DeployRequest.of("v2"));
        await().atMost(START).until(() -> waiting(a));
        long termOfA = a.client().status().path("leader").path("term").asLong();

        // Frozen past its lease: the standby takes over and resumes the canary at its pause.
        signal("STOP", a);
        Duration frozenTakeover = timeUntilLeader(b);
        await().atMost(START).until(() -> waiting(b) && b.client().status().path("rollout").path("id").asText().equals(id));
        long termOfB = b.client().status().path("leader").path("term").asLong();
        assertThat(termOfB).isGreaterThan(termOfA);
        await("b's proxy gets the canary's routes").atMost(START)
                .until(() -> hello(other.trafficPort).startsWith("hello from v"));

        // Woken up, the old leader finds its term ended: it steps down and names the new leader.
        signal("CONT", a);
        String bName = b.client().status().path("leader").path("holder").asText();
        await().atMost(TAKEOVER_BOUND).until(() -> role(a).equals("standby")
                && a.client().status().path("leader").path("leader").asText().startsWith(bName));
        assertThat(Files.readString(a.logFile())).contains("stepping down from term " + termOfA);
        assertThat(role(b)).as("one leader at a time").isEqualTo("leader");

        // Killed: the woken one is the standby now and takes over in turn, then finishes the canary.
        long killedAt = System.nanoTime();
        b.kill();
        Duration killedTakeover = timeUntilLeader(a, killedAt);
        await().atMost(START).until(() -> promoted(a));
        JsonNode end = a.client().awaitOutcome(id, START, e -> { });
        assertThat(end.path("rollout").path("phase").asText()).isEqualTo("SUCCEEDED");
        assertThat(a.client().status().path("stableVersion").asText()).isEqualTo("v2");
        assertThat(hello(live.trafficPort)).startsWith("hello from v2");

        System.out.printf("leader takeover: frozen leader (SIGSTOP) %d ms, killed leader (SIGKILL) %d ms; lease %d ms%n",
                frozenTakeover.toMillis(), killedTakeover.toMillis(), ControlPlane.LEADER_LEASE.toMillis());
    }

    private static String role(ControlPlaneProcess cp) {
        return cp.client().status().path("leader").path("role").asText();
    }

    /** Whether the control plane drives a rollout that waits for 'baton promote'. */
    private static boolean waiting(ControlPlaneProcess cp) {
        JsonNode r = cp.client().status().path("rollout");
        return r.path("phase").asText().equals("PROGRESSING") && r.hasNonNull("waiting");
    }

    /** Promotes the rollout once the control plane drives it (a 409 while it is still resuming it). */
    private static boolean promoted(ControlPlaneProcess cp) {
        try {
            cp.client().post("/v1/promote", Map.of());
            return true;
        } catch (BatonClient.ApiError e) {
            return false;
        }
    }

    private static Duration timeUntilLeader(ControlPlaneProcess cp) {
        return timeUntilLeader(cp, System.nanoTime());
    }

    private static Duration timeUntilLeader(ControlPlaneProcess cp, long since) {
        await().atMost(TAKEOVER_BOUND).pollInterval(Duration.ofMillis(100)).until(() -> role(cp).equals("leader"));
        return Duration.ofNanos(System.nanoTime() - since);
    }

    /** {@code kill -SIG} to the control plane's process group (its JVM; the data plane has sessions of its own). */
    private static void signal(String sig, ControlPlaneProcess cp) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", sig, "--", "-" + cp.pid()).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + sig).isTrue();
    }

    private static String hello(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
