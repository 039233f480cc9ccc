package dev.baton.server.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.kube.KubeTestCluster;
import dev.baton.kube.NodeAgent;
import dev.baton.kube.NodeLoss;
import dev.baton.proof.HttpLoad;
import dev.baton.proof.HttpLoadConfig;
import dev.baton.proof.HttpLoadResult;
import dev.baton.proof.Invariants;
import dev.baton.proof.JobCheck;
import dev.baton.proof.JobLoad;
import dev.baton.proof.JobLoadConfig;
import dev.baton.proof.JobLoadResult;
import dev.baton.proof.Outcome;
import dev.baton.proof.RequestRecord;
import dev.baton.queue.JobQueue;
import dev.baton.queue.QueueConfig;
import dev.baton.server.KubeTarget;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node lost under load: the sample runs as pods on two nodes (this JVM's node agent and one of the test's own),
 * driven by a real {@code baton up --kubernetes} under HTTP and job load; the second node is lost
 * ({@link NodeAgent#lose}: no heartbeat, its processes SIGKILLed, no deletion ever confirmed). The real
 * node-lifecycle controller marks it NotReady and evicts its pods once their {@code node_loss_toleration} (5 s on a
 * quick stage) has run out; Baton takes an evicted pod for a crash, starts its replacement on the live node, and
 * removes the Terminating pod no kubelet will ever confirm once its grace period is over.
 */
@Tag("kube")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeLossOnKubernetesTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private final KubernetesClient k8s = KubeTestCluster.client();
    private Path dir;
    private String ns;
    private NodeAgent live;
    private NodeAgent doomed;
    private Stage stage;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("baton-node-loss");
        ns = KubeTestCluster.namespace();
        live = KubeTestCluster.agent(dir.resolve("pods"));
        doomed = KubeTestCluster.extraAgent("doomed", dir.resolve("pods-doomed"));
        // only these two nodes: other test JVMs' node agents may be up on the same cluster
        for (String node : List.of(live.nodeName(), doomed.nodeName())) {
            k8s.nodes().withName(node).edit(n -> {
                n.getMetadata().getLabels().put("baton.dev/test-namespace", ns);
                return n;
            });
        }
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        try (OnePodPerNode spread = new OnePodPerNode()) {
            stage = Stage.start(new StageOptions(dir.resolve(".baton"), "v1", 2, 40, 10, Duration.ofMillis(50), true, quiet)
                    .onKubernetes(new KubeTarget(KubeTestCluster.kubeconfig(), null, ns))
                    .onNodes(Map.of("baton.dev/test-namespace", ns)));
        }
        stage.withoutLoads();
    }

    /**
     * The scheduler does not spread bare pods (it put both on one node when tried), so while the stage starts, the
     * node that takes the first pod is tainted NoSchedule and the second pod goes to the other; the taint goes when
     * this closes, so replacements may land anywhere.
     */
    private final class OnePodPerNode implements AutoCloseable {
        private static final String TAINT = "baton.dev/test-spread";
        private final AtomicReference<String> tainted = new AtomicReference<>();
        private final SharedIndexInformer<Pod> informer;

        OnePodPerNode() {
            informer = k8s.pods().inNamespace(ns).inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod pod) {
                    bound(pod);
                }

                @Override
                public void onUpdate(Pod old, Pod pod) {
                    bound(pod);
                }

                @Override
                public void onDelete(Pod pod, boolean unknown) {}
            }, 0);
        }

        private void bound(Pod pod) {
            String node = pod.getSpec().getNodeName();
            if (node != null && tainted.compareAndSet(null, node)) {
                k8s.nodes().withName(node).edit(n -> new NodeBuilder(n).editSpec()
                        .addNewTaint().withKey(TAINT).withValue("first").withEffect("NoSchedule").endTaint()
                        .endSpec().build());
            }
        }

        @Override
        public void close() {
            informer.close();
            String node = tainted.get();
            if (node != null) {
                k8s.nodes().withName(node).edit(n -> new NodeBuilder(n).editSpec()
                        .withTaints(n.getSpec().getTaints().stream().filter(t -> !TAINT.equals(t.getKey())).toList())
                        .endSpec().build());
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (stage != null) {
            stage.close();
            DataPlaneReaper.reap(stage.home(), dir);
        }
        if (doomed != null) {
            doomed.close();
        }
        if (ns != null) {
            KubeTestCluster.deleteNamespace(ns);
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void podsOfALostNodeAreEvictedAndReplacedOnTheLiveNodeWithNoFailedRequestAndNoLostJob() throws Exception {
        assertThat(podsOn(doomed.nodeName())).as("the app runs on both nodes").hasSize(1);
        assertThat(podsOn(live.nodeName())).as("the app runs on both nodes").hasSize(1);
        List<String> lostPods = podsOn(doomed.nodeName());
        HttpLoad http = HttpLoad.start(HttpLoadConfig.of(URI.create("http://127.0.0.1:" + stage.trafficPort() + "/hello"),
                40).withProgressEvery(Duration.ZERO), null);
        // jobs of 1 s, so the lost node's worker holds some when it dies
        JobLoad jobs = JobLoad.start(new JobQueue(stage.dataSource(), QueueConfig.defaults(), Clock.systemUTC()),
                JobLoadConfig.of(10, 1000).withProgressEvery(Duration.ZERO), null);
        HttpLoadResult requests;
        JobLoadResult enqueued;
        long lostAt;
        NodeLoss loss;
        long evictedAt;
        long replacedAt;
        long removedAt;
        List<Long> heldAtLoss;
        try {
            await().atMost(TIMEOUT).until(() -> http.ended(Outcome.OK) >= 80);
            heldAtLoss = runningJobs();
            lostAt = System.nanoTime();
            loss = NodeLoss.of(k8s, doomed, TIMEOUT);

            await().atMost(TIMEOUT).until(() -> lostPods.stream().allMatch(this::terminatingOrGone));
            evictedAt = System.nanoTime();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<InstanceInfo> now = stage.instances();
                assertThat(now).extracting(InstanceInfo::id).doesNotContainAnyElementsOf(lostPods).hasSize(2);
                assertThat(now).allMatch(InstanceInfo::ready);
            });
            replacedAt = System.nanoTime();
            await().atMost(TIMEOUT).until(() -> lostPods.stream().allMatch(p -> pod(p) == null));
            removedAt = System.nanoTime();
            long answered = http.ended(Outcome.OK);
            await().atMost(TIMEOUT).until(() -> http.ended(Outcome.OK) >= answered + 40);
        } finally {
            requests = http.stop();
            enqueued = jobs.stop();
        }
        JobCheck check = Invariants.checkJobs(stage.dataSource(), enqueued, Duration.ofSeconds(90),
                new PrintStream(PrintStream.nullOutputStream()));
        List<RequestRecord> inFlightAtLoss = requests.notOk().stream()
                .filter(r -> r.intendedNanos() <= lostAt && lostAt <= r.intendedNanos() + r.latencyNanos()).toList();
        System.out.printf("node lost: NotReady after %.1f s, pods evicted after %.1f s, full capacity again after "
                        + "%.1f s, the Terminating pods removed after %.1f s; %d requests (%d failed, %d of them in "
                        + "flight at the loss), %d jobs (%d held at the loss came back through their leases)%n",
                loss.untilNotReady().toMillis() / 1000.0, seconds(lostAt, evictedAt), seconds(lostAt, replacedAt),
                seconds(lostAt, removedAt), requests.summary().sent(), requests.notOk().size(), inFlightAtLoss.size(),
                check.enqueued(), rescued(heldAtLoss));

        assertThat(requests.summary().sent()).isPositive();
        assertThat(requests.notOk()).as("failed requests that were not in flight on the lost node at the loss")
                .containsExactlyInAnyOrderElementsOf(inFlightAtLoss);
        assertThat(requests.notOk()).as("requests in flight at the loss (refused or reset at once on loopback, so "
                + "retried by the proxy)").isEmpty();
        assertThat(check.enqueued()).isPositive();
        assertThat(check.lost()).isZero();
        assertThat(check.duplicated()).isZero();
        assertThat(check.completed()).isEqualTo(check.enqueued());
        assertThat(check.holds()).isTrue();
        assertThat(rescued(heldAtLoss)).as("jobs the lost node's worker held, back through their leases (attempt 2)")
                .isPositive();
        assertThat(podsOn(live.nodeName())).containsExactlyInAnyOrderElementsOf(
                stage.instances().stream().map(InstanceInfo::id).toList());
    }

    /** Jobs held under a live lease now. */
    private List<Long> runningJobs() throws SQLException {
        try (Connection c = stage.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT id FROM baton_jobs WHERE state = 'RUNNING' AND lease_expires_at > now()")) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        }
    }

    /** Of {@code ids}, the jobs completed on a later attempt than the one under way at the loss. */
    private long rescued(List<Long> ids) throws SQLException {
        try (Connection c = stage.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM baton_jobs "
                     + "WHERE id = ANY (?) AND state = 'COMPLETED' AND attempt > 1")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The app's pods bound to {@code node}, Terminating ones included. */
    private List<String> podsOn(String node) {
        return k8s.pods().inNamespace(ns).withLabel("app.kubernetes.io/managed-by", "baton").list().getItems().stream()
                .filter(p -> node.equals(p.getSpec().getNodeName()))
                .map(p -> p.getMetadata().getName()).sorted().toList();
    }

    private Pod pod(String name) {
        return k8s.pods().inNamespace(ns).withName(name).get();
    }

    private boolean terminatingOrGone(String name) {
        Pod p = pod(name);
        return p == null || p.getMetadata().getDeletionTimestamp() != null;
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }
}
