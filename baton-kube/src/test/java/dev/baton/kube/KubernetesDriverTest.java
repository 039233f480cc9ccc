package dev.baton.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.queue.TestDatabase;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.Instance;
import dev.baton.rollout.InstanceDriver;
import dev.baton.rollout.InstanceState;
import dev.baton.sample.SampleApp;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes driver against a real API server, scheduler and controllers, with the node agent as kubelet. */
@Tag("kube")
class KubernetesDriverTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String APP = "kt";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path logs;

    private final KubernetesClient k8s = KubeTestCluster.client();
    private String ns;
    private KubernetesDriver driver;
    private final List<String> crashes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        KubeTestCluster.agent(logs);
        ns = KubeTestCluster.namespace(APP, TestDatabase.config().urlWithCredentials());
        driver = connect();
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        if (ns != null) {
            KubeTestCluster.deleteNamespace(ns);
        }
    }

    private static final String SAMPLE = """
            app: %s
            listen: 8080
            instances: 1
            run: "%s -Xmx96m -XX:TieredStopAtLevel=1 -cp %s %s --port {port}"
            env: { BATON_WORKER_CONCURRENCY: "2" }
            drain: { timeout: 5s, jobs_soft: 3s, jobs_hard: 4s }
            kubernetes: { image: "baton-sample:{version}", namespace: %s }
            """;

    static AppSpec sampleSpec(String app, String ns) {
        return AppSpec.parse(SAMPLE.formatted(app, java(), System.getProperty("java.class.path"),
                SampleApp.class.getName(), ns));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private KubernetesDriver connect() {
        KubernetesDriver d = KubernetesDriver.connect(k8s, sampleSpec(APP, ns), Clock.systemUTC());
        d.onCrash((i, code) -> crashes.add(i.id() + ":" + code));
        return d;
    }

    private Instance startReady(String version) {
        Instance i = driver.start(version);
        await().atMost(WAIT).until(() -> driver.probe(i) == InstanceState.READY);
        return i;
    }

    private static HttpResponse<String> get(Instance i, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + i.host() + ":" + i.port() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void startCreatesOneLabelledPodThatServesTheVersionOnItsOwnAddress() throws Exception {
        Instance i = startReady("v1");

        assertThat(i.host()).startsWith("127.0.1.");
        assertThat(i.port()).isEqualTo(8080);
        assertThat(get(i, "/hello").headers().firstValue("X-Baton-Version")).hasValue("v1");
        Pod pod = k8s.pods().inNamespace(ns).withName(i.id()).get();
        assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", APP)
                .containsEntry("app.kubernetes.io/version", "v1").containsEntry("app.kubernetes.io/managed-by", "baton")
                .containsEntry("baton.dev/instance", i.id());
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        EnvVar db = pod.getSpec().getContainers().getFirst().getEnv().stream()
                .filter(e -> e.getName().equals("BATON_DATABASE_URL")).findFirst().orElseThrow();
        assertThat(db.getValue()).isNull();
        assertThat(db.getValueFrom().getSecretKeyRef().getName()).isEqualTo(APP + "-database");
        assertThat(pod.getSpec().getTerminationGracePeriodSeconds())
                .isEqualTo(PodManifest.termination(sampleSpec(APP, ns)).graceSeconds());
        assertThat(k8s.pods().inNamespace(ns).withLabel("app.kubernetes.io/managed-by", "baton").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly(i.id());
    }

    @Test
    void stopDeletesThePodWhichDrainsAndIsGoneWithinTheGracePeriod() {
        Instance i = startReady("v1");

        InstanceDriver.StopOutcome outcome = driver.stop(i, Duration.ofSeconds(10));

        assertThat(outcome).isEqualTo(InstanceDriver.StopOutcome.EXITED);
        assertThat(k8s.pods().inNamespace(ns).withName(i.id()).get()).isNull();
        assertThat(driver.probe(i)).isEqualTo(InstanceState.FAILED);
        assertThat(driver.stop(i, Duration.ofSeconds(1))).isEqualTo(InstanceDriver.StopOutcome.ALREADY_STOPPED);
        assertThat(crashes).isEmpty();
    }

    @Test
    void onKubernetes120ThePreStopDelayIsAnExecOfSleepThatTheStopWaitsFor() {
        KubernetesDriver delayed = driver.withSpec(sampleSpec(APP, ns).withKubernetes(
                sampleSpec(APP, ns).kubernetes().withPreStop(Duration.ofSeconds(2))));
        Instance i = delayed.start("v1");
        await().atMost(WAIT).until(() -> delayed.probe(i) == InstanceState.READY);
        Pod pod = k8s.pods().inNamespace(ns).withName(i.id()).get();
        assertThat(pod.getSpec().getContainers().getFirst().getLifecycle().getPreStop().getExec().getCommand())
                .containsExactly("sleep", "2");

        long t0 = System.nanoTime();
        assertThat(delayed.stop(i, Duration.ofSeconds(10))).isEqualTo(InstanceDriver.StopOutcome.EXITED);

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(crashes).isEmpty();
    }

    @Test
    void aPodThatIgnoresSigtermIsKilledAtTheEndOfTheGracePeriod() {
        AppSpec stubborn = AppSpec.parse("""
                app: %s
                run: "trap '' TERM; sleep 600"
                kubernetes: { image: "busybox:{version}", namespace: %s }
                """.formatted(APP, ns));
        Instance i = driver.withSpec(stubborn).start("v1");

        long t0 = System.nanoTime();
        InstanceDriver.StopOutcome outcome = driver.stop(i, Duration.ofSeconds(2));

        assertThat(outcome).isEqualTo(InstanceDriver.StopOutcome.KILLED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2))
                .isLessThan(Duration.ofSeconds(2).plus(KubernetesDriver.STOP_SLACK));
        assertThat(k8s.pods().inNamespace(ns).withName(i.id()).get()).isNull();
        assertThat(crashes).isEmpty();
    }

    @Test
    void aRestartedControlPlaneFindsThePodsByLabelAndAdoptsThoseStillThere() throws Exception {
        Instance kept = startReady("v1");
        Instance gone = startReady("v1");
        driver.close();
        k8s.pods().inNamespace(ns).withName(gone.id()).withGracePeriod(0).delete();
        await().atMost(WAIT).until(() -> k8s.pods().inNamespace(ns).withName(gone.id()).get() == null);

        driver = connect();

        assertThat(driver.recorded()).extracting(Instance::id).containsExactly(kept.id());
        assertThat(driver.adopt(kept)).hasValueSatisfying(a -> assertThat(a.host()).isEqualTo(kept.host()));
        assertThat(driver.adopt(gone)).isEmpty();
        assertThat(driver.probe(kept)).isEqualTo(InstanceState.READY);
        assertThat(get(kept, "/hello").statusCode()).isEqualTo(200);
    }

    @Test
    void aPodDeletedBySomeoneElseIsACrash() {
        Instance i = startReady("v1");

        k8s.pods().inNamespace(ns).withName(i.id()).withGracePeriod(0).delete();

        await().atMost(WAIT).untilAsserted(() -> assertThat(crashes).containsExactly(i.id() + ":-1"));
        assertThat(driver.probe(i)).isEqualTo(InstanceState.FAILED);
    }

    @Test
    void aPodEvictedFromALostNodeIsACrashAtOnceAndIsRemovedWhenItsGracePeriodHasRunOut() {
        NodeAgent doomed = KubeTestCluster.extraAgent("driver-" + ns, logs.resolve("doomed"));
        try {
            AppSpec onDoomed = AppSpec.parse(SAMPLE.formatted(APP, java(), System.getProperty("java.class.path"),
                    SampleApp.class.getName(), ns + ", node_selector: { kubernetes.io/hostname: " + doomed.nodeName() + " }"));
            Instance i = driver.withSpec(onDoomed).start("v1");
            await().atMost(WAIT).until(() -> driver.probe(i) == InstanceState.READY);
            doomed.lose();

            // what the taint manager does once the pod's toleration of the unreachable taint has run out
            long t0 = System.nanoTime();
            k8s.pods().inNamespace(ns).withName(i.id()).withGracePeriod(2).delete();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(crashes).containsExactly(i.id() + ":-1"));
            assertThat(k8s.pods().inNamespace(ns).withName(i.id()).get()).as("no kubelet confirms the deletion")
                    .isNotNull().satisfies(p -> assertThat(p.getMetadata().getDeletionTimestamp()).isNotNull());
            await().atMost(WAIT).until(() -> k8s.pods().inNamespace(ns).withName(i.id()).get() == null);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("removed only once its grace period had run out")
                    .isGreaterThanOrEqualTo(KubernetesDriver.OVERDUE_SLACK);
            assertThat(driver.probe(i)).isEqualTo(InstanceState.FAILED);
        } finally {
            doomed.close();
        }
    }

    @Test
    void aPodWhoseProcessDiesFailsWithItsExitCodeAndIsACrash() {
        Instance i = driver.withSpec(sampleSpec(APP, ns).withEnv(Map.of("SAMPLE_CRASH_AFTER_MS", "3000")))
                .start("v1");

        await().atMost(WAIT).untilAsserted(() -> assertThat(crashes).hasSize(1).first().asString()
                .startsWith(i.id() + ":").doesNotEndWith(":0").doesNotEndWith(":-1"));
        assertThat(driver.probe(i)).isEqualTo(InstanceState.FAILED);
        assertThat(k8s.pods().inNamespace(ns).withName(i.id()).get().getStatus().getPhase()).isEqualTo("Failed");
    }
}
