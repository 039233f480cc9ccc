package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.proof.HttpLoad;
import dev.baton.proof.Outcome;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.queue.Database;
import dev.baton.postgres.EmbeddedDatabase;
import dev.baton.rollout.InstanceState;
import dev.baton.rollout.JdbcRolloutStore;
import dev.baton.server.scenario.DataPlaneReaper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Supervision between rollouts, with real processes: the control plane as a child JVM ({@code baton up}), the
 * proxy and two TestApp instances in their own sessions, real SIGKILLs. One control plane serves the tests; each
 * starts once supervision is quiet (both slots ready, no restart pending) and judges only what happened after its
 * own kill, so none depends on another or on their order. Everything is reaped by process group at the end.
 */
@Tag("process")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SupervisionProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern RESTART = Pattern.compile("slot (\\d+): started (\\S+) \\(restart (\\d+)");
    private Path dir;
    private BatonHome home;
    private ControlPlaneProcess cp;
    private int trafficPort;

    @BeforeAll
    void up() throws Exception {
        dir = Files.createTempDirectory("baton-supervision-test");
        home = new BatonHome(dir.resolve(".baton"));
        trafficPort = LiveHome.freePort();
        String app = TestApp.run(dir, "--crash-if " + dir.resolve("crash-{version}"));
        Path spec = Files.writeString(dir.resolve("shop.yaml"), """
                app: shop
                version: v1
                listen: %d
                instances: 2
                run: "%s"
                drain: { timeout: 5s, jobs_soft: 1s, jobs_hard: 2s }
                progress_deadline: 30s
                """.formatted(trafficPort, app));
        cp = new ControlPlaneProcess(home, spec, ControlPlaneProcessTest.testClasspath(), Map.of()).start();
        cp.awaitApi(Duration.ofMinutes(2));
        await().atMost(Duration.ofMinutes(3)).until(() -> readyIds(cp.client().status()).size() == 2
                && "v1".equals(cp.client().status().path("stableVersion").asText(null)));
    }

    @AfterAll
    void reap() throws Exception {
        if (cp != null) {
            cp.kill();
        }
        if (home != null) {
            DataPlaneReaper.reap(home, dir);
        }
        if (cp != null && Files.exists(cp.logFile())) {
            // Kept for a failure's diagnosis: what the supervisor logged.
            Files.copy(cp.logFile(), Path.of("target/supervision-control-plane.log"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void instanceKilledBetweenRolloutsLeavesRoutingIsRecordedFailedAndIsReplacedWhileRequestsKeepSucceeding() throws Exception {
        BatonClient client = cp.client();
        JsonNode before = awaitQuiet();
        String rolloutId = before.path("rollout").path("id").asText();
        // The instance started last, so the running control plane started it and reads its exit code: one it
        // adopted after a restart (as another test leaves behind) is not its child, and its exit code is unknown.
        JsonNode victim = stream(before.path("instances"))
                .max(Comparator.comparing(i -> startOf(i.path("pid").asLong()))).orElseThrow();
        String victimId = victim.path("id").asText();
        Instant killedAt;
        try (HttpLoad load = LiveHome.steadyLoad(trafficPort)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ended(Outcome.OK) >= 20);
            killedAt = Instant.now();
            killGroup(victim.path("pid").asLong());

            await().atMost(WAIT).until(() -> {
                Set<String> ready = readyIds(client.status());
                return ready.size() == 2 && !ready.contains(victimId);
            });
            long okAfter = load.ended(Outcome.OK);
            await().atMost(Duration.ofSeconds(30)).until(() -> load.ended(Outcome.OK) >= okAfter + 40);
            // The TestApp answers at once, so hardly a request is on the victim when it dies; the proxy retries a
            // GET whose connection was refused or reset, so none of them may fail.
            assertThat(load.stop().notOk()).as("requests not answered OK of %d sent", load.sent()).isEmpty();
        }

        JsonNode after = client.status();
        assertThat(after.path("instances")).hasSize(2);
        assertThat(routedPorts()).as("the proxy's route table lists exactly the live instances")
                .isEqualTo(ports(after));
        assertThat(exitRows()).filteredOn(r -> r.id().equals(victimId)).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(InstanceState.FAILED);
            assertThat(r.exitCode()).as("SIGKILL").isEqualTo(137);
        });
        List<JsonNode> events = supervisionEvents(client, rolloutId).stream()
                .filter(e -> Instant.parse(e.path("at").asText()).isAfter(killedAt)).toList();
        assertThat(events).extracting(e -> e.path("step").asText()).containsSubsequence("crashed", "restart", "ready");
        assertThat(events.getFirst().path("detail").asText()).contains(victimId).contains("code 137").contains("out of routing");
        assertThat(after.path("supervisionEvents").findValuesAsText("step")).contains("crashed", "restart", "ready");
    }

    @Test
    void crashLoopingSlotIsRestartedWithGrowingBackoffAndRecoversOnceTheCauseIsGone() throws Exception {
        BatonClient client = cp.client();
        JsonNode before = awaitQuiet();
        String rolloutId = before.path("rollout").path("id").asText();
        // The slot with the fewest crashes in a row, so its back-off starts lowest (1 s when none). A count left
        // by another test only makes every wait longer, and the gaps below still at least double.
        JsonNode slot = stream(before.path("supervision"))
                .min(Comparator.comparingInt(s -> s.path("crashesInARow").asInt())).orElseThrow();
        int slotNo = slot.path("slot").asInt();
        String victimId = slot.path("instance").asText();
        long victimPid = stream(before.path("instances")).filter(i -> i.path("id").asText().equals(victimId))
                .findFirst().orElseThrow().path("pid").asLong();
        Path crashFile = Files.createFile(dir.resolve("crash-v1"));
        Instant killedAt = Instant.now();
        killGroup(victimPid);

        // The kill and the first three restarts crashed: remove the cause while the fourth restart waits out 8 s.
        await().atMost(WAIT).until(() -> crashesOf(supervisionEvents(client, rolloutId), slotNo, killedAt) >= 4);
        JsonNode looping = client.status();
        JsonNode slotNow = stream(looping.path("supervision")).filter(s -> s.path("slot").asInt() == slotNo).findFirst().orElseThrow();
        assertThat(slotNow.path("restarts").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(slotNow.path("crashesInARow").asInt()).isGreaterThanOrEqualTo(3);
        StringWriter out = new StringWriter();
        assertThat(BatonCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "status", "--home",
                home.dir().toString())).isZero();
        assertThat(out.toString()).contains("RESTARTS").contains("BACK-OFF").contains("crashed");
        Files.delete(crashFile);

        await().atMost(WAIT).until(() -> readyIds(client.status()).size() == 2);
        List<Instant> restarts = restartsOf(supervisionEvents(client, rolloutId), slotNo).stream()
                .filter(t -> t.isAfter(killedAt)).toList();
        assertThat(restarts).hasSize(4);
        List<Duration> gaps = new ArrayList<>();
        for (int k = 1; k < restarts.size(); k++) {
            gaps.add(Duration.between(restarts.get(k - 1), restarts.get(k)));
        }
        // Restart k+1 comes at least the k+1-th back-off (2 s, 4 s, 8 s) after restart k: the gaps double.
        for (int k = 0; k < gaps.size(); k++) {
            assertThat(gaps.get(k)).as("gap %d of %s", k + 1, gaps).isGreaterThanOrEqualTo(Duration.ofSeconds(2L << k));
        }
        assertThat(exitRows()).filteredOn(r -> r.exitCode() != null && r.exitCode() == 3).hasSizeGreaterThanOrEqualTo(3);
        assertThat(runningAppProcesses()).hasSize(2);
    }

    @Test
    void instanceThatDiedWhileTheControlPlaneWasDownIsReplacedAfterTheOthersAreAdopted() throws Exception {
        // Kill the control plane only once supervision is quiet.
        JsonNode before = awaitQuiet();
        String rolloutId = before.path("rollout").path("id").asText();
        JsonNode victim = before.path("instances").get(0);
        JsonNode survivor = before.path("instances").get(1);
        cp.kill();
        long victimPid = victim.path("pid").asLong();
        killGroup(victimPid);
        // SIGKILL is asynchronous: a big JVM can take a moment to be gone. Only once it is gone did it
        // die "while the control plane was down"; a restart before that would adopt it, then see it exit.
        await().atMost(WAIT).until(() -> ProcessHandle.of(victimPid).map(ProcessHandle::isAlive).orElse(false) == false);

        cp.start().awaitApi(Duration.ofMinutes(2));
        BatonClient client = cp.client();
        await().atMost(WAIT).until(() -> {
            Set<String> ready = readyIds(client.status());
            return ready.size() == 2 && !ready.contains(victim.path("id").asText());
        });
        JsonNode after = client.status();
        assertThat(stream(after.path("instances")).filter(i -> i.path("id").asText().equals(survivor.path("id").asText())))
                .as("the survivor is adopted, not replaced").singleElement()
                .satisfies(i -> assertThat(i.path("pid").asLong()).isEqualTo(survivor.path("pid").asLong()));
        assertThat(supervisionEvents(client, rolloutId)).anySatisfy(e -> assertThat(e.path("detail").asText())
                .contains(victim.path("id").asText()).contains("died while the control plane was down"));
        assertThat(runningAppProcesses()).hasSize(2);
    }

    /** Waits until both slots are ready and no restart is pending; returns that status. */
    private JsonNode awaitQuiet() {
        await().atMost(WAIT).until(() -> {
            JsonNode s = cp.client().status();
            return readyIds(s).size() == 2 && stream(s.path("supervision")).allMatch(x -> x.path("restartAt").isNull());
        });
        return cp.client().status();
    }

    private static Instant startOf(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).orElse(Instant.MIN);
    }

    private static Set<String> readyIds(JsonNode status) {
        Set<String> out = new TreeSet<>();
        for (JsonNode i : status.path("instances")) {
            if (i.path("state").asText().equals("READY")) {
                out.add(i.path("id").asText());
            }
        }
        return out;
    }

    private static Set<Integer> ports(JsonNode status) {
        Set<Integer> out = new TreeSet<>();
        status.path("instances").forEach(i -> out.add(i.path("port").asInt()));
        return out;
    }

    private Set<Integer> routedPorts() throws IOException {
        Set<Integer> out = new TreeSet<>();
        JsonNode routes = Json.MAPPER.readTree(home.dir().resolve("proxy/routes.json").toFile());
        routes.findValues("backends").forEach(bs -> bs.forEach(b -> {
            String a = b.isTextual() ? b.asText() : b.path("id").asText(b.path("address").asText());
            out.add(Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)));
        }));
        return out;
    }

    private static List<JsonNode> supervisionEvents(BatonClient client, String rolloutId) {
        return stream(client.get("/v1/rollouts/" + rolloutId).path("events"))
                .filter(e -> e.path("kind").asText().equals("SUPERVISION")).toList();
    }

    private static long crashesOf(List<JsonNode> events, int slot, Instant since) {
        return events.stream().filter(e -> e.path("step").asText().equals("crashed")
                        && e.path("detail").asText().contains("slot " + slot + " restarts in")
                        && Instant.parse(e.path("at").asText()).isAfter(since)).count();
    }

    private static List<Instant> restartsOf(List<JsonNode> events, int slot) {
        List<Instant> out = new ArrayList<>();
        for (JsonNode e : events) {
            Matcher m = RESTART.matcher(e.path("detail").asText());
            if (e.path("step").asText().equals("restart") && m.find() && Integer.parseInt(m.group(1)) == slot) {
                out.add(Instant.parse(e.path("at").asText()));
            }
        }
        return out;
    }

    /** The instances table, read from the control plane's own (embedded, still running) PostgreSQL. */
    private List<JdbcRolloutStore.InstanceRow> exitRows() {
        EmbeddedDatabase db = EmbeddedDatabase.startOrAdopt(home.pgDir(), 0, EmbeddedDatabase.Durability.DURABLE);
        try (HikariDataSource ds = Database.open(db.config(), 1, "supervision-test")) {
            return new JdbcRolloutStore(ds).instances();
        }
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out.stream();
    }

    /** SIGKILL to the instance's whole process group (it was started by setsid, so its pid is the group id). */
    private static void killGroup(long pgid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", "KILL", "--", "-" + pgid).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -KILL -%d", pgid).isZero();
    }

    private List<ProcessHandle> runningAppProcesses() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .filter(p -> p.info().commandLine().map(c -> c.contains("dev.baton.server.TestApp")
                        && c.contains(dir.toString())).orElse(false))
                .toList();
    }
}
