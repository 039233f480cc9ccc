package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.baton.common.DatabaseConfig;
import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import dev.baton.queue.JobState;
import dev.baton.queue.QueueConfig;
import dev.baton.queue.QueueSchema;
import dev.baton.queue.TestDatabase;
import dev.baton.worker.JobResult;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real control plane on an external PostgreSQL (BATON_DATABASE_URL with a password), looked at from outside as
 * another local user or a Prometheus server would: what its files let others read, what its child processes were
 * given, what its errors tell, whether what it serves on /metrics parses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("process")
class ControlPlaneFromOutsideProcessTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final DatabaseConfig db = TestDatabase.config();
    private Path dir;
    private BatonHome home;
    private ControlPlaneProcess cp;
    private int trafficPort;

    @BeforeAll
    void up() throws Exception {
        dir = Files.createTempDirectory("baton-outside-test");
        home = new BatonHome(dir.resolve(".baton"));
        trafficPort = LiveHome.freePort();
        // An external PostgreSQL with a password: the proxy must not be handed it.
        Path spec = Files.writeString(dir.resolve("shop.yaml"), """
                app: shop
                version: v1
                listen: %d
                instances: 1
                run: "%s"
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                """.formatted(trafficPort, TestApp.run(dir, "")));
        cp = new ControlPlaneProcess(home, spec, ControlPlaneProcessTest.testClasspath(),
                Map.of(DatabaseConfig.URL_ENV, db.urlWithCredentials()));
        cp.start();
        cp.awaitApi(Duration.ofMinutes(2));
        await().atMost(Duration.ofMinutes(2)).until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null))
                && Files.exists(home.proxyDir().resolve("proxy.json")));
    }

    @AfterAll
    void down() throws Exception {
        ControlPlaneProcessTest.tearDown(cp, home, dir);
    }

    @Test
    void theHomeIsItsOwnersOnlyTheProxyGetsNoDatabaseCredentialsAndErrorsDoNotRevealTheHome() throws Exception {
        assertThat(openToOthers(home.dir())).as("files and directories others can read").isEmpty();

        String proxyEnvironment = Files.readString(Path.of("/proc/" + proxyRecord().path("pid").asLong() + "/environ"));
        assertThat(proxyEnvironment).doesNotContain(DatabaseConfig.URL_ENV).doesNotContain(db.password());

        BatonClient.ApiError missing = catchThrowableOfType(BatonClient.ApiError.class,
                () -> cp.client().text("/v1/instances/shop-v9-9/logs"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.getMessage()).contains("shop-v9-9").doesNotContain(dir.toString());
    }

    @Test
    void everyMetricsEndpointTheProjectServesPassesPrometheusOwnChecker() throws Exception {
        for (int i = 0; i < 5; i++) {
            get("http://127.0.0.1:" + trafficPort + "/", null);
        }
        Promtool.assertValid("the control plane's /metrics", cp.client().text("/metrics"));
        String adminToken = Files.readString(home.proxyDir().resolve("admin.token")).strip();
        String proxy = get("http://127.0.0.1:" + proxyRecord().path("adminPort").asInt() + "/metrics", adminToken);
        assertThat(proxy).contains("baton_proxy_request_duration_seconds_bucket");
        Promtool.assertValid("the proxy's admin /metrics", proxy);

        QueueSchema.migrate(TestDatabase.dataSource());
        JobQueue queue = new JobQueue(TestDatabase.dataSource(), QueueConfig.defaults());
        long id = queue.enqueue(JobRequest.of("outside.ping", "{}")).id();
        Worker worker = Worker.builder(TestDatabase.dataSource()).handle("outside.ping", ctx -> JobResult.complete())
                .config(WorkerConfig.defaults().withId("outside").withVersion("v1").withHealth("127.0.0.1", 0))
                .stopOnShutdown(false).build();
        worker.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> queue.find(id).orElseThrow().state() == JobState.COMPLETED);
            Promtool.assertValid("a worker's /metrics", get("http://127.0.0.1:" + worker.healthPort() + "/metrics", null));
        } finally {
            worker.stop(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private com.fasterxml.jackson.databind.JsonNode proxyRecord() throws IOException {
        return Json.MAPPER.readTree(home.proxyDir().resolve("proxy.json").toFile());
    }

    private String get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(url).isEqualTo(200);
        return res.body();
    }

    /** Every path under {@code root} whose mode gives group or others any access. */
    private static List<String> openToOthers(Path root) throws IOException {
        List<String> open = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    if (perms.stream().anyMatch(x -> !x.name().startsWith("OWNER"))) {
                        open.add(root.relativize(p) + " " + PosixFilePermissions.toString(perms));
                    }
                } catch (NoSuchFileException gone) {
                    // a temporary file renamed meanwhile
                }
            }
        }
        return open;
    }
}
