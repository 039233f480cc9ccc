package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RoutingTest extends QueueTestSupport {

    private void register(String id, String version, String... kinds) {
        queue.workers().register(new WorkerInfo(id, version, "localhost", 1, Set.of(kinds), null, null));
    }

    private static LinkedHashMap<String, Integer> shares(String v1, int p1, String v2, int p2) {
        LinkedHashMap<String, Integer> m = new LinkedHashMap<>();
        m.put(v1, p1);
        m.put(v2, p2);
        return m;
    }

    private void enqueue(String kind, int n) {
        List<JobRequest> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(JobRequest.of(kind, "{}"));
        }
        queue.enqueueAll(batch);
    }

    /** Both versions claim concurrently until the queue is empty; returns jobs completed per version. */
    private Map<String, AtomicLong> drain(List<ClaimRequest> claimers) throws Exception {
        Map<String, AtomicLong> taken = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(claimers.size());
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (ClaimRequest req : claimers) {
                runs.add(pool.submit(() -> {
                    // Nothing fails here, so once a claim comes back empty nothing more becomes claimable for it.
                    AtomicLong mine = taken.computeIfAbsent(String.valueOf(req.version()), v -> new AtomicLong());
                    List<Job> jobs;
                    while (!(jobs = queue.claim(req)).isEmpty()) {
                        mine.addAndGet(queue.completeAll(jobs).size());
                    }
                }));
            }
            for (Future<?> f : runs) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return taken;
    }

    @Test
    void versionsTakeTheirShareOfJobsWithinTwoPoints() throws Exception {
        register("w1", "v1", "k");
        register("w2", "v2", "k");
        queue.routing().setShares(shares("v1", 10, "v2", 90));
        enqueue("k", 10_000);

        Map<String, AtomicLong> taken = drain(List.of(
                new ClaimRequest("w1", "v1", Set.of("k"), Set.of(), 100),
                new ClaimRequest("w2", "v2", Set.of("k"), Set.of(), 100)));

        assertThat(taken.get("v1").get() + taken.get("v2").get()).isEqualTo(10_000);
        assertThat(count("state <> 'COMPLETED'")).isZero();
        assertThat(taken.get("v1").get() / 100.0).isBetween(8.0, 12.0);
        assertThat(taken.get("v2").get() / 100.0).isBetween(88.0, 92.0);
        assertThat(count("state = 'COMPLETED' AND bucket < 10 AND version <> 'v1'")).isZero();
        assertThat(count("state = 'COMPLETED' AND bucket >= 10 AND version <> 'v2'")).isZero();
    }

    @Test
    void aKindOnlyOneVersionHandlesIsFullyProcessedByIt() throws Exception {
        register("w1", "v1", "k", "old-only");
        register("w2", "v2", "k");
        queue.routing().setShares(shares("v1", 10, "v2", 90));
        enqueue("old-only", 1_000);

        Map<String, AtomicLong> taken = drain(List.of(
                new ClaimRequest("w1", "v1", Set.of("k", "old-only"), Set.of(), 100),
                new ClaimRequest("w2", "v2", Set.of("k"), Set.of(), 100)));

        assertThat(taken.get("v1").get()).isEqualTo(1_000);
        assertThat(count("state = 'COMPLETED' AND version = 'v1'")).isEqualTo(1_000);
        assertThat(count("state <> 'COMPLETED'")).as("nothing stranded").isZero();
    }

    @Test
    void aWorkerWithoutVersionTakesOnlyJobsNoLiveOwnerHandles() {
        register("w1", "v1", "k");
        register("w2", "v2", "k");
        queue.routing().setShares(shares("v1", 50, "v2", 50));
        enqueue("k", 200);
        enqueue("orphan", 50);

        List<Job> got = queue.claim(new ClaimRequest("plain", null, Set.of("k", "orphan"), Set.of(), 1000));

        assertThat(got).hasSize(50).allMatch(j -> j.kind().equals("orphan"));
    }

    @Test
    void withOneVersionOrNoRoutingAWorkerTakesEverything() {
        register("w1", "v1", "k");
        enqueue("k", 300);
        LinkedHashMap<String, Integer> all = new LinkedHashMap<>();
        all.put("v1", 100);
        queue.routing().setShares(all);
        assertThat(queue.claim(new ClaimRequest("w1", "v1", Set.of("k"), Set.of(), 100))).hasSize(100);

        queue.routing().clear();
        assertThat(queue.routing().shares()).isEmpty();
        assertThat(queue.claim(new ClaimRequest("w9", "v9", Set.of("k"), Set.of(), 1000))).hasSize(200);
    }

    @Test
    void sharesForAVersionWithoutLiveWorkersAreRejected() {
        register("w1", "v1", "k");
        assertThatThrownBy(() -> queue.routing().setShares(shares("v1", 90, "v9", 10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shares.v9: no live worker has version v9");
        clock.advance(QueueConfig.defaults().workerTimeout().plusSeconds(1));
        assertThatThrownBy(() -> queue.routing().setShares(shares("v1", 100, "v2", 0)))
                .hasMessage("shares.v1: no live worker has version v1");
    }

    @Test
    void sharesAreReadBackInBucketOrder() {
        register("w1", "v1", "k");
        register("w2", "v2", "k");
        queue.routing().setShares(shares("v2", 25, "v1", 75));
        assertThat(queue.routing().shares()).containsExactly(Map.entry("v2", 25), Map.entry("v1", 75));
    }
}
