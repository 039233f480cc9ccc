package dev.baton.server.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.kube.KubeTestCluster;
import dev.baton.proof.HttpLoad;
import dev.baton.proof.HttpLoadConfig;
import dev.baton.proof.HttpLoadResult;
import dev.baton.proof.Invariants;
import dev.baton.proof.JobCheck;
import dev.baton.proof.JobLoad;
import dev.baton.proof.JobLoadConfig;
import dev.baton.proof.JobLoadResult;
import dev.baton.proof.Outcome;
import dev.baton.proof.ScenarioResult;
import dev.baton.queue.JobQueue;
import dev.baton.queue.QueueConfig;
import dev.baton.server.KubeTarget;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sample app as Pods on a real Kubernetes control plane (API server, scheduler, controllers), the node agent
 * running them as local processes on their own loopback addresses, driven by a real {@code baton up --kubernetes}
 * process whose proxy routes to the pods' IPs, under HTTP and job load. Each deploy is judged by baton-proof's
 * invariants, as on local processes: no failed or unanswered request, no lost or duplicated job.
 */
@Tag("kube")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploysOnKubernetesTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private final KubernetesClient k8s = KubeTestCluster.client();
    private Path dir;
    private String ns;
    private Stage stage;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("baton-kube-stage");
        KubeTestCluster.agent(dir.resolve("pods"));
        ns = KubeTestCluster.namespace();
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        stage = Stage.start(new StageOptions(dir.resolve(".baton"), "v1", 2, 40, 10, Duration.ofMillis(50), true, quiet)
                .onKubernetes(new KubeTarget(KubeTestCluster.kubeconfig(), null, ns)));
    }

    @AfterAll
    void stop() throws Exception {
        if (stage != null) {
            stage.close();
            DataPlaneReaper.reap(stage.home(), dir);
        }
        if (ns != null) {
            KubeTestCluster.deleteNamespace(ns);
        }
        if (dir != null) {
            try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void rollingDeployOfPodsFailsNoRequestAndLosesNoJobAndTheClusterShowsExactlyBatonsInstances() throws Exception {
        Deploy d = stage.deploy("v2", "rolling", Map.of(), TIMEOUT);
        ScenarioResult r = stage.finish("rolling on kubernetes", d, false, null);

        assertThat(d.status()).isEqualTo("SUCCEEDED");
        assertThat(r.violations()).isEmpty();
        assertThat(r.requests().sent()).isPositive();
        assertThat(r.jobs().lost()).isZero();
        assertThat(stage.httpResult().during(d.window())).anyMatch(x -> "v2".equals(x.version()));
        assertThat(livePods()).containsExactlyInAnyOrderElementsOf(instanceIds());
        assertThat(instanceIds()).hasSize(2).allMatch(id -> id.startsWith("sample-v2-"));
    }

    @Test
    void statusShowsEachPodsAddressAndLogsComeFromThePodLogApi() {
        String id = instanceIds().getFirst();
        String version = versions().getFirst();
        java.io.StringWriter out = new java.io.StringWriter();

        int code = dev.baton.server.BatonCommand.execute(new java.io.PrintWriter(out),
                new java.io.PrintWriter(new java.io.StringWriter()), "status", "--home", stage.home().dir().toString());
        String log = stage.client().text("/v1/instances/" + id + "/logs?lines=200");

        assertThat(code).isZero();
        assertThat(out.toString()).containsPattern(java.util.regex.Pattern.quote(id) + " +" + version + " +READY +- +127\\.0\\.1\\.\\d+:8080");
        assertThat(log).contains("sample " + version + " listening on 127.0.1.");
    }

    @Test
    void blueGreenOnPodsSwitchesWithoutAFailedRequest() throws Exception {
        Deploy d = stage.deploy("v3", "blue-green", Map.of(), TIMEOUT);
        ScenarioResult r = stage.finish("blue-green on kubernetes", d, false, null);

        assertThat(d.status()).isEqualTo("SUCCEEDED");
        assertThat(r.violations()).isEmpty();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(livePods()).containsExactlyInAnyOrderElementsOf(instanceIds()));
        assertThat(versions()).containsOnly("v3");
    }

    @Test
    void canaryPodsTakeTheirShareOfTheJobsAndArePromoted() throws Exception {
        long before = effectsOf("v4");
        Deploy d = stage.deploy("v4", "canary", Map.of(), TIMEOUT);
        ScenarioResult r = stage.finish("canary on kubernetes", d, false, null);

        assertThat(d.status()).isEqualTo("SUCCEEDED");
        assertThat(r.violations()).isEmpty();
        assertThat(effectsOf("v4") - before).as("jobs the canary's pods completed").isPositive();
        JsonNode detail = stage.client().get("/v1/rollouts/" + d.rolloutId());
        assertThat(detail.path("events").toString()).contains("SetJobShares").contains("v4=50");
        assertThat(versions()).containsOnly("v4");
    }

    @Test
    void badCanaryPodsAreRolledBackByTheAnalysisAndStableFinishesTheirJobs() throws Exception {
        List<String> stable = versions();
        Deploy d = stage.deploy("v5", "canary", Map.of("SAMPLE_ERROR_RATE", "0.3", "SAMPLE_JOB_FAIL_RATE", "0.5"),
                TIMEOUT);
        ScenarioResult r = stage.finish("bad canary on kubernetes", d, true, "v5 answers 30% with 500 on purpose");

        assertThat(d.rolledBack()).isTrue();
        assertThat(d.reason()).startsWith("analysis failed");
        assertThat(r.violations()).isEmpty();
        assertThat(r.jobs().lost()).isZero();
        assertThat(r.jobs().completed()).isEqualTo(r.jobs().enqueued()).isPositive();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(livePods()).containsExactlyInAnyOrderElementsOf(instanceIds()));
        assertThat(versions()).isEqualTo(stable);
    }

    @Test
    void aPodForceDeletedWhileServingIsReplacedWithoutAFailedRequestOrALostJob() throws Exception {
        String victim = instanceIds().getFirst();
        HttpLoad http = HttpLoad.start(HttpLoadConfig.of(URI.create("http://127.0.0.1:" + stage.trafficPort() + "/hello"),
                40).withProgressEvery(Duration.ZERO), null);
        JobLoad jobs = JobLoad.start(new JobQueue(stage.dataSource(), QueueConfig.defaults(), Clock.systemUTC()),
                JobLoadConfig.of(10, 50).withProgressEvery(Duration.ZERO), null);
        HttpLoadResult requests;
        JobLoadResult enqueued;
        try {
            await().atMost(TIMEOUT).until(() -> http.ended(Outcome.OK) >= 40);
            k8s.pods().inNamespace(ns).withName(victim).withGracePeriod(0).delete();

            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<InstanceInfo> now = stage.instances();
                assertThat(now).extracting(InstanceInfo::id).doesNotContain(victim).hasSize(2);
                assertThat(now).allMatch(i -> i.state().equals("READY"));
            });
            long answered = http.ended(Outcome.OK);
            await().atMost(TIMEOUT).until(() -> http.ended(Outcome.OK) >= answered + 40);
        } finally {
            requests = http.stop();
            enqueued = jobs.stop();
        }
        JobCheck check = Invariants.checkJobs(stage.dataSource(), enqueued, Duration.ofSeconds(90),
                new PrintStream(PrintStream.nullOutputStream()));

        assertThat(requests.summary().sent()).isPositive();
        assertThat(requests.notOk()).as("requests that failed or got no answer").isEmpty();
        assertThat(check.enqueued()).isPositive();
        assertThat(check.lost()).isZero();
        assertThat(check.duplicated()).isZero();
        assertThat(check.completed()).isEqualTo(check.enqueued());
        assertThat(check.holds()).isTrue();
        assertThat(livePods()).containsExactlyInAnyOrderElementsOf(instanceIds());
    }

    @Test
    void aControlPlaneKilledMidRolloutAdoptsThePodsAndFinishesTheRollout() throws Exception {
        CompletableFuture<Deploy> deploy = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                deploy.complete(stage.deploy("v6", "rolling", Map.of(), TIMEOUT));
            } catch (Throwable t) {
                deploy.completeExceptionally(t);
            }
        });
        await().atMost(TIMEOUT).until(() -> versions().contains("v6"));
        List<String> before = livePods();
        stage.killControlPlane();
        stage.startControlPlane();
        Deploy d = deploy.get();
        ScenarioResult r = stage.finish("control plane killed on kubernetes", d, false, null);

        assertThat(d.status()).isEqualTo("SUCCEEDED");
        assertThat(r.violations()).isEmpty();
        assertThat(r.jobs().lost()).isZero();
        assertThat(versions()).containsOnly("v6");
        assertThat(livePods()).containsExactlyInAnyOrderElementsOf(instanceIds());
        assertThat(before).as("pods of v6 started before the kill were adopted, not replaced")
                .filteredOn(p -> p.startsWith("sample-v6-")).allMatch(instanceIds()::contains);
    }

    /** What {@code kubectl get pods -l app.kubernetes.io/managed-by=baton} shows, less pods on their way out. */
    private List<String> livePods() {
        return k8s.pods().inNamespace(ns).withLabel("app.kubernetes.io/managed-by", "baton").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getStatus() == null || !List.of("Failed", "Succeeded").contains(p.getStatus().getPhase()))
                .map(Pod::getMetadata).map(m -> m.getName()).sorted().toList();
    }

    private List<String> instanceIds() {
        return stage.instances().stream().map(InstanceInfo::id).sorted().toList();
    }

    private List<String> versions() {
        return stage.instances().stream().map(InstanceInfo::version).distinct().toList();
    }

    private long effectsOf(String version) throws Exception {
        try (Connection c = stage.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM sample_effects WHERE version = ?")) {
            ps.setString(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
