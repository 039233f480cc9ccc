package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The control plane's lifecycle as an operator meets it, with real processes: {@code baton up} as a child JVM on
 * the embedded PostgreSQL, the proxy and the instances in their own sessions. What is left running is read from
 * {@code /proc}: every process Baton starts for a home names the test's directory on its command line (the
 * instances through their {@code --tag}, the proxy through its state file, PostgreSQL through its data directory).
 */
@Tag("process")
class LifecycleProcessTest extends LiveHomeTest {


    private ControlPlaneProcess upWithOneInstance() throws Exception {
        live = new LiveHome("baton-lifecycle-test");
        ControlPlaneProcess cp = live.controlPlane(live.spec("""
                version: v1
                instances: 1
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                """)).start();
        cp.awaitApi(START);
        await().atMost(START).until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null)));
        return cp;
    }

    @Test
    void secondUpOnTheSameHomeIsRefusedNamingThePidThatHoldsItAndTouchesNothing() throws Exception {
        ControlPlaneProcess first = upWithOneInstance();
        String apiBefore = Files.readString(live.home.apiFile());
        List<Long> runningBefore = pidsOf(live.dir);

        Cli second = batonProcess("up", live.dir.resolve("shop.yaml").toString(), "--home", live.home.dir().toString());

        assertThat(second.code()).isEqualTo(1);
        assertThat(second.err()).contains("another control plane (pid " + first.pid() + ") is running on " + live.home.dir())
                .doesNotContain("\tat ");
        assertThat(Files.readString(live.home.apiFile())).isEqualTo(apiBefore);
        assertThat(pidsOf(live.dir)).as("nothing started, nothing adopted").containsExactlyInAnyOrderElementsOf(runningBefore);
        assertThat(first.client().status().path("stableVersion").asText()).isEqualTo("v1");
    }

    @Test
    void controlPlaneKilledReleasesTheHomeAndDownThenStopsEverythingItsRecordsName() throws Exception {
        ControlPlaneProcess cp = upWithOneInstance();
        cp.kill();
        assertThat(pidsOf(live.dir)).as("the data plane outlives the control plane: instance, proxy, PostgreSQL")
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(HomeLock.holder(live.home)).as("a SIGKILLed control plane holds nothing").isEmpty();

        cp.start().awaitApi(START);
        cp.kill();

        Cli down = Cli.run("down", "--home", live.home.dir().toString(), "--grace", "5s");

        assertThat(down.code()).as(down.err()).isZero();
        assertThat(down.out()).contains("stopping 1 instance(s)").contains("stopping the proxy")
                .contains("stopping the embedded PostgreSQL");
        assertThat(down.out()).contains("stopped 1 instance(s) shop-v1-1").contains("the proxy (pid")
                .contains("the embedded PostgreSQL");
        assertThat(pidsOf(live.dir)).as("processes of the home left running").isEmpty();
        try (Stream<Path> records = Files.list(live.home.instancesDir())) {
            assertThat(records).isEmpty();
        }

        Cli again = Cli.run("down", "--home", live.home.dir().toString());
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("nothing was running");
    }

    @Test
    void instancesGetPortsOnlyFromTheRangeGivenToUp() throws Exception {
        live = new LiveHome("baton-lifecycle-test");
        int first = LiveHome.freePort() < 60000 ? LiveHome.freePort() : 40000;
        ControlPlaneProcess cp = live.controlPlane(live.spec("""
                version: v1
                instances: 2
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                """)).withUpArgs("--instance-ports", first + "-" + (first + 3)).start();
        cp.awaitApi(START);
        await().atMost(START).until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null)));
        assertThat(Cli.run("deploy", "v2", "--home", live.home.dir().toString()).code()).isZero();

        var ports = cp.client().get("/v1/rollouts?limit=2").findValuesAsText("id").stream()
                .flatMap(id -> cp.client().get("/v1/rollouts/" + id).path("instances").findValuesAsText("port").stream())
                .map(Integer::parseInt).toList();
        assertThat(ports).hasSizeGreaterThanOrEqualTo(2).allSatisfy(p -> assertThat(p).isBetween(first, first + 3));
        Cli bad = Cli.run("up", "--instance-ports", "9000-80", "--home", live.home.dir().toString());
        assertThat(bad.code()).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(bad.err()).contains("--instance-ports: must be a port range FIRST-LAST within 1024-65535");
    }

    @Test
    void upWithATakenListenPortIsRefusedBeforeAnythingStarts() throws Exception {
        live = new LiveHome("baton-lifecycle-test");
        Path spec = live.spec("version: v1\n");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), live.trafficPort));

            Cli up = Cli.run("up", spec.toString(), "--home", live.home.dir().toString());

            assertThat(up.code()).isEqualTo(BatonCommand.EXIT_USAGE);
            assertThat(up.err().strip()).startsWith("baton: listen: port " + live.trafficPort + " on 127.0.0.1 is not free")
                    .doesNotContain("\tat ");
        }
        assertThat(pidsOf(live.dir)).isEmpty();
        assertThat(live.home.pgDir()).doesNotExist();
    }

    @Test
    void badInputToUpExitsTwoWithOneLineAndStartsNothing() throws Exception {
        live = new LiveHome("baton-lifecycle-test");
        Path spec = live.spec("version: v1\n");
        String home = live.home.dir().toString();

        Cli missing = Cli.run("up", live.dir.resolve("missing.yaml").toString(), "--home", home);
        Cli version = Cli.run("up", spec.toString(), "--version", "x;id", "--home", home);

        assertThat(missing.code()).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(missing.err().strip()).isEqualTo("baton: SPEC: no such file: " + live.dir.resolve("missing.yaml"));
        assertThat(version.code()).isEqualTo(BatonCommand.EXIT_USAGE);
        assertThat(version.err().strip()).startsWith("baton: version: must be").doesNotContain("\n");
        assertThat(pidsOf(live.dir)).isEmpty();
        assertThat(live.home.pgDir()).doesNotExist();
    }

    @Test
    void upThatFailsAfterStartingPostgresStopsItAgainAndReleasesTheHome() throws Exception {
        live = new LiveHome("baton-lifecycle-test");
        Path spec = live.spec("version: v1\n");
        // A route table the proxy cannot read: the proxy, started after PostgreSQL, exits at once.
        Files.createDirectories(live.home.proxyDir());
        Files.writeString(live.home.proxyDir().resolve("routes.json"), "not a route table");

        ControlPlaneProcess cp = live.controlPlane(spec).start();
        await().atMost(START).until(() -> !cp.alive());

        String log = Files.readString(cp.logFile(), StandardCharsets.UTF_8);
        assertThat(log).contains("baton: the proxy exited with code").contains("start undone: stop the embedded PostgreSQL");
        assertThat(pidsOf(live.dir)).as("processes of the failed start left running").isEmpty();
        assertThat(HomeLock.holder(live.home)).isEmpty();
    }


    /** {@code baton ARGS} as its own JVM, which must exit within a minute (a second control plane would not). */
    private Cli batonProcess(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setsid", ProxyProcess.javaBinary(), "-cp", ControlPlaneProcessTest.testClasspath(),
                BatonCommand.class.getName()));
        cmd.addAll(List.of(args));
        Path out = live.dir.resolve("baton-out.txt");
        Path err = live.dir.resolve("baton-err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("baton " + String.join(" ", args) + " still runs after 60 s: " + Files.readString(err));
        }
        return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The pids of live processes whose command line names {@code dir}, read from /proc (zombies excluded). */
    static List<Long> pidsOf(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        byte[] needle = dir.toString().getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    byte[] cmdline = Files.readAllBytes(p.resolve("cmdline"));
                    String stat = Files.readString(p.resolve("stat"));
                    boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
                    long pid = Long.parseLong(p.getFileName().toString());
                    if (!zombie && pid != ProcessHandle.current().pid() && contains(cmdline, needle)) {
                        out.add(pid);
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return out;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
