package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes in their own process groups, real HTTP readiness, real signals. */
@Tag("process")
class LocalProcessDriverTest {
    @TempDir
    Path dir;
    final List<Instance> started = new ArrayList<>();

    @BeforeEach
    void site() throws IOException {
        Files.createDirectories(dir.resolve("site/health"));
        Files.writeString(dir.resolve("site/health/ready"), "ok");
    }

    @AfterEach
    void killEverything() throws Exception {
        for (Instance i : started) {
            new ProcessBuilder("kill", "-s", "KILL", "--", "-" + i.pid()).start().waitFor();
            ProcessHandle.of(i.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    LocalProcessDriver driver(String run) {
        AppSpec spec = AppSpec.parse("app: shop\nrun: \"" + run.replace("\"", "\\\"") + "\"\n");
        return new LocalProcessDriver(spec, dir.resolve(".baton"), Clock.systemUTC());
    }

    LocalProcessDriver httpDriver() {
        return driver("exec python3 -m http.server {port} --bind 127.0.0.1 --directory " + dir.resolve("site"));
    }

    Instance start(LocalProcessDriver d, String version) {
        Instance i = d.start(version);
        started.add(i);
        return i;
    }

    @Test
    void startedInstanceBecomesReadyOverHttpInItsOwnProcessGroupWithItsOwnLog() throws Exception {
        LocalProcessDriver d = httpDriver();
        Instance i = start(d, "v1");
        assertThat(i.id()).isEqualTo("shop-v1-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> d.probe(i) == InstanceState.READY);
        String[] stat = Files.readString(Path.of("/proc/" + i.pid() + "/stat")).replaceAll("^.*\\) ", "").split(" ");
        assertThat(Long.parseLong(stat[2])).as("process group").isEqualTo(i.pid());
        assertThat(Long.parseLong(stat[3])).as("session").isEqualTo(i.pid());
        assertThat(ProcessHandle.current().pid()).isNotEqualTo(i.pid());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(d.logFile(i.id())).contains("GET /health/ready"));
        assertThat(start(d, "v1").id()).isEqualTo("shop-v1-2");
        assertThat(d.stop(i, Duration.ofSeconds(20))).isEqualTo(InstanceDriver.StopOutcome.EXITED);
        assertThat(ProcessHandle.of(i.pid()).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        assertThat(d.probe(i)).isEqualTo(InstanceState.FAILED);
    }

    @Test
    void instancePortsStayInTheConfiguredRangeSkippingTakenAndRecordedPorts() throws Exception {
        int first = freeRangeOfFour();
        PortRange range = PortRange.parse("--instance-ports", first + "-" + (first + 3));
        LocalProcessDriver d = driver("exec sleep 60").usePorts(range);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(first + 1, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Instance a = start(d, "v1");
            Instance b = start(d, "v1");
            Instance c = start(d, "v1");
            assertThat(List.of(a.port(), b.port(), c.port())).as("in range, not the taken one, each once")
                    .containsExactlyInAnyOrder(first, first + 2, first + 3);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(d, "v1"))
                    .hasMessageContaining("no free port left in " + first + "-" + (first + 3));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PortRange.parse("--instance-ports", "9000-80"))
                .hasMessage("--instance-ports: must be a port range FIRST-LAST within 1024-65535, e.g. 20000-20999, got '9000-80'");
    }

    /**
     * The first of four consecutive ports that are free now, below the kernel's ephemeral range (32768 and up)
     * so that no outgoing connection of another process takes one of them meanwhile.
     */
    private static int freeRangeOfFour() throws java.io.IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = 20_000 + random.nextInt(10_000);
            List<java.net.ServerSocket> held = new java.util.ArrayList<>();
            try {
                for (int p = first; p < first + 4; p++) {
                    held.add(new java.net.ServerSocket(p, 1, java.net.InetAddress.getByName("127.0.0.1")));
                }
                return first;
            } catch (java.net.BindException taken) {
                // try another range
            } finally {
                for (java.net.ServerSocket s : held) {
                    s.close();
                }
            }
        }
        throw new IllegalStateException("no four free ports in a row between 20000 and 30003");
    }

    @Test
    void instanceFindsItsPortInBatonPortAndPort() throws Exception {
        Path out = dir.resolve("env.txt");
        LocalProcessDriver d = driver("echo \"$BATON_PORT $PORT {port}\" > " + out + ".tmp && mv " + out + ".tmp " + out
                + "; exec sleep 60");
        Instance i = start(d, "v1");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(out));
        String p = Integer.toString(i.port());
        assertThat(Files.readString(out).strip()).isEqualTo(p + " " + p + " " + p);
    }

    @Test
    void stopSendsSigtermFirstAndSigkillOnlyAfterTheGracePeriod() throws Exception {
        Path marker = dir.resolve("term.txt");
        LocalProcessDriver d = driver("trap 'echo term >> " + marker + "' TERM; echo up > " + dir.resolve("up")
                + "; while true; do sleep 0.1; done");
        Instance i = start(d, "v1");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("up")));
        Duration grace = Duration.ofSeconds(2);
        long t0 = System.nanoTime();
        assertThat(d.stop(i, grace)).isEqualTo(InstanceDriver.StopOutcome.KILLED);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(Files.readString(marker)).as("SIGTERM reached the process first").contains("term");
        assertThat(took).as("SIGKILL not before the grace period").isGreaterThanOrEqualTo(grace);
        assertThat(ProcessHandle.of(i.pid()).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @Test
    void processThatExitsOnSigtermIsNotKilled() throws Exception {
        Path marker = dir.resolve("bye.txt");
        LocalProcessDriver d = driver("trap 'echo bye > " + marker + "; exit 0' TERM; echo up > " + dir.resolve("up")
                + "; while true; do sleep 0.1; done");
        Instance i = start(d, "v1");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("up")));
        assertThat(d.stop(i, Duration.ofSeconds(30))).isEqualTo(InstanceDriver.StopOutcome.EXITED);
        assertThat(Files.readString(marker)).contains("bye");
    }

    @Test
    void stopIsIdempotentAndSafeForAnInstanceThatIsGone() throws Exception {
        LocalProcessDriver d = driver("sleep 600");
        Instance i = start(d, "v1");
        assertThat(d.stop(i, Duration.ofSeconds(10))).isEqualTo(InstanceDriver.StopOutcome.EXITED);
        assertThat(d.stop(i, Duration.ofSeconds(10))).isEqualTo(InstanceDriver.StopOutcome.ALREADY_STOPPED);
        assertThat(d.recorded()).isEmpty();
    }

    @Test
    void childThatCrashesIsReportedFailedWithItsExitCode() {
        LocalProcessDriver d = driver("sleep 0.2; exit 3");
        AtomicInteger code = new AtomicInteger(Integer.MIN_VALUE);
        List<String> crashed = new ArrayList<>();
        d.onCrash((inst, c) -> {
            crashed.add(inst.id());
            code.set(c);
        });
        Instance i = start(d, "v1");
        await().atMost(Duration.ofSeconds(10)).until(() -> code.get() == 3);
        assertThat(crashed).containsExactly(i.id());
        assertThat(d.probe(i)).isEqualTo(InstanceState.FAILED);
        assertThat(d.recorded()).isEmpty();
    }

    @Test
    void stoppedInstanceIsNotReportedAsCrashed() throws Exception {
        LocalProcessDriver d = driver("sleep 600");
        List<String> crashed = new ArrayList<>();
        d.onCrash((inst, c) -> crashed.add(inst.id()));
        Instance i = start(d, "v1");
        d.stop(i, Duration.ofSeconds(10));
        Instance probe = start(d, "v1");
        d.stop(probe, Duration.ofSeconds(10));
        assertThat(crashed).isEmpty();
    }

    @Test
    void driverRecreatedFromTheRecordsAdoptsAStillRunningInstance() throws Exception {
        LocalProcessDriver first = httpDriver();
        Instance i = start(first, "v1");
        await().atMost(Duration.ofSeconds(30)).until(() -> first.probe(i) == InstanceState.READY);

        LocalProcessDriver second = httpDriver(); // as after a controller restart
        assertThat(second.recorded()).containsExactly(i);
        Optional<Instance> adopted = second.adopt(second.recorded().getFirst());
        assertThat(adopted).contains(i);
        assertThat(second.probe(adopted.get())).isEqualTo(InstanceState.READY);
        AtomicInteger crashes = new AtomicInteger();
        second.onCrash((inst, c) -> crashes.incrementAndGet());
        assertThat(second.stop(adopted.get(), Duration.ofSeconds(20))).isEqualTo(InstanceDriver.StopOutcome.EXITED);
        assertThat(ProcessHandle.of(i.pid()).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        assertThat(crashes.get()).isZero();
    }

    @Test
    void recordOfAProcessThatIsGoneIsNotAdopted() throws Exception {
        LocalProcessDriver first = driver("sleep 600");
        Instance i = start(first, "v1");
        new ProcessBuilder("kill", "-s", "KILL", "--", "-" + i.pid()).start().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(i.pid()).map(p -> !p.isAlive()).orElse(true));
        LocalProcessDriver second = driver("sleep 600");
        assertThat(second.adopt(i)).isEmpty();
        assertThat(second.recorded()).isEmpty();
    }

    @Test
    void aRolloutResumedAfterItsControllerDiedMidStartLeavesNothingRunningUnmanaged() throws Exception {
        LocalProcessDriver dead = driver("sleep 600");
        Fakes f = new Fakes();
        AppSpec spec = AppSpec.parse("app: shop\nrun: sleep 600\n");
        RolloutState stored = f.store.save(RolloutState.start("r1", spec, null, "v2", List.of(), f.clock.instant()));
        Instance unrecorded = start(dead, "v2"); // the controller died before it recorded this start
        Instance stray = start(dead, "v0");

        LocalProcessDriver restarted = driver("sleep 600");
        RolloutEngine engine = new RolloutEngine(Strategy.of(spec),
                new RolloutPorts(restarted, f.traffic, f.jobs, f.store, (v, p) -> true), f.clock, f.waiter);
        RolloutState end = engine.resume(stored);

        List<String> managed = end.live().stream().map(InstanceView::id).toList();
        for (Instance i : List.of(unrecorded, stray)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> managed.contains(i.id())
                    || ProcessHandle.of(i.pid()).map(p -> !p.isAlive()).orElse(true));
        }
        assertThat(f.store.events("r1")).anySatisfy(e -> assertThat(e.detail()).contains("shop-v2-1"));
    }
}
