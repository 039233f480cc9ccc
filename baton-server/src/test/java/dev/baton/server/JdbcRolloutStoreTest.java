package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.queue.AdvisoryLock;
import dev.baton.queue.LeaderLease;
import dev.baton.queue.LeaderTerm;
import dev.baton.queue.NotLeaderException;
import dev.baton.queue.QueueSchema;
import dev.baton.queue.TestDatabase;
import dev.baton.rollout.AnalysisVerdict;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.Instance;
import dev.baton.rollout.InstanceState;
import dev.baton.rollout.InstanceView;
import dev.baton.rollout.JdbcRolloutStore;
import dev.baton.rollout.RolloutEvent;
import dev.baton.rollout.RolloutPhase;
import dev.baton.rollout.RolloutState;
import dev.baton.rollout.StaleRolloutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rollout store against the real embedded PostgreSQL (the test JVM's one, tables emptied per test). */
class JdbcRolloutStoreTest {
    private static final AppSpec CANARY = AppSpec.parse("""
            app: shop
            run: "app --port {port}"
            instances: 2
            worker: { kinds: [email.send] }
            strategy:
              type: canary
              steps: [ {weight: 10, pause: 30s}, {weight: 50, pause: forever}, {weight: 100} ]
              analysis: { interval: 5s, max_error_rate: 1%, max_p99: 500ms, min_requests: 20 }
            """);
    private final Instant t0 = Instant.parse("2025-03-01T12:00:00.123456Z");
    private DataSource ds;
    private JdbcRolloutStore store;

    @BeforeEach
    void emptyTables() throws Exception {
        ds = TestDatabase.dataSource();
        store = new JdbcRolloutStore(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE baton_rollouts, baton_rollout_events, baton_instances");
        }
    }

    private static InstanceView view(String id, String version, int port, InstanceState state, Instant t) {
        return new InstanceView(new Instance(id, version, "127.0.0.1", port, 4000 + port % 1000, t), state,
                state == InstanceState.READY ? t : null);
    }

    @Test
    void aSavedRolloutReadsBackWholeAndRevisionsCountWithoutGaps() {
        RolloutState s = RolloutState.start("r-1", CANARY, "v1", "v2",
                List.of(view("shop-v1-1", "v1", 7001, InstanceState.READY, t0)), t0);
        for (int i = 0; i < 5; i++) {
            s = store.save(s);
        }
        RolloutState later = s.toBuilder().stepIndex(1).weights(Map.of("v1", 50, "v2", 50)).jobShares(Map.of("v1", 50, "v2", 50))
                .lastVerdict(new AnalysisVerdict(AnalysisVerdict.Outcome.PASS, "error rate 0.00%", t0.plusSeconds(5)))
                .instances(List.of(view("shop-v1-1", "v1", 7001, InstanceState.READY, t0),
                        view("shop-v2-1", "v2", 7002, InstanceState.STARTING, t0.plusSeconds(1))))
                .now(t0.plusSeconds(6)).build();
        later = store.save(later);
        store.save(RolloutState.start("r-2", CANARY, "v2", "v3", List.of(), t0.plusSeconds(60)));

        assertThat(store.load("r-1")).contains(later);
        assertThat(later.generation()).isEqualTo(6);
        assertThat(store.find("r-1").orElseThrow().revision()).isEqualTo(1);
        assertThat(store.find("r-2").orElseThrow().revision()).isEqualTo(2);
        assertThat(store.byRevision(2).orElseThrow().id()).isEqualTo("r-2");
    }

    /** The store shares the schema migrations' lock with the queue (one migrator), and no other. */
    @Test
    void theStoreNeverWaitsOnTheQueueRescuersLock() throws Exception {
        for (AdvisoryLock queueLock : List.of(AdvisoryLock.QUEUE_RESCUE)) {
            try (Connection holder = ds.getConnection()) {
                holder.setAutoCommit(false);
                try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, queueLock.key());
                    lock.execute();
                }
                CompletableFuture<JdbcRolloutStore> created = CompletableFuture.supplyAsync(() -> new JdbcRolloutStore(ds));
                CompletableFuture<Void> saved = created.thenAccept(st -> st.save(
                        RolloutState.start("r-" + queueLock, CANARY, null, "v1", List.of(), t0)));
                assertThat(saved).as("store created and saved while %s is held", queueLock)
                        .succeedsWithin(Duration.ofSeconds(5));
                holder.rollback();
            }
        }
    }

    @Test
    void ofTwoWritersThatReadTheSameGenerationOnlyTheFirstSavesAndTheSecondIsToldSo() {
        RolloutState read = store.save(RolloutState.start("r-1", CANARY, "v1", "v2", List.of(), t0));
        RolloutState paused = store.save(read.toBuilder().abortReason("operator said stop").build());

        assertThatThrownBy(() -> store.save(read.toBuilder().stepIndex(2).build()))
                .isInstanceOf(StaleRolloutException.class)
                .hasMessageContaining("rollout r-1: changed by another writer")
                .hasMessageContaining("read at generation 1, stored at 2");
        assertThat(store.load("r-1")).contains(paused);
        assertThatThrownBy(() -> store.save(RolloutState.start("r-1", CANARY, "v1", "v2", List.of(), t0)))
                .as("a second first save of one id").isInstanceOf(StaleRolloutException.class);
        assertThat(store.save(store.load("r-1").orElseThrow().toBuilder().stepIndex(2).build()).stepIndex())
                .as("a writer that reads again may save").isEqualTo(2);
    }

    @Test
    void theUnfinishedRolloutIsTheNewestStillInProgress() {
        RolloutState first = RolloutState.start("r-1", CANARY, null, "v1", List.of(), t0);
        store.save(first.toBuilder().phase(RolloutPhase.SUCCEEDED).build());
        assertThat(store.unfinished()).isEmpty();

        store.save(RolloutState.start("r-2", CANARY, "v1", "v2", List.of(), t0).toBuilder()
                .phase(RolloutPhase.ROLLING_BACK).build());
        store.setPaused("r-2", true);

        JdbcRolloutStore.Stored open = store.unfinished().orElseThrow();
        assertThat(open.id()).isEqualTo("r-2");
        assertThat(open.paused()).isTrue();
        assertThat(store.latest().orElseThrow().id()).isEqualTo("r-2");
        assertThat(store.history(10)).extracting(JdbcRolloutStore.Stored::id).containsExactly("r-2", "r-1");
    }

    @Test
    void instanceRowsFollowTheRolloutsInstancesAndEventsKeepTheirOrder() {
        RolloutState s = RolloutState.start("r-1", CANARY, "v1", "v2",
                List.of(view("shop-v1-1", "v1", 7001, InstanceState.READY, t0),
                        view("shop-v1-2", "v1", 7003, InstanceState.READY, t0)), t0);
        s = store.save(s);
        store.save(s.toBuilder().instances(List.of(view("shop-v1-2", "v1", 7003, InstanceState.DRAINING, t0))).build());
        for (int i = 0; i < 3; i++) {
            store.append(new RolloutEvent("r-1", t0.plusSeconds(i), RolloutEvent.Kind.STEP_DONE, "Step" + i, "detail " + i));
        }

        assertThat(store.instances()).singleElement().satisfies(row -> {
            assertThat(row.id()).isEqualTo("shop-v1-2");
            assertThat(row.state()).isEqualTo(InstanceState.DRAINING);
            assertThat(row.port()).isEqualTo(7003);
        });
        assertThat(store.events("r-1")).extracting(RolloutEvent::step).containsExactly("Step0", "Step1", "Step2");
    }

    @Test
    void aDeposedLeadersSaveEventAndPauseAreRefusedAndTheNewLeadersAreWritten() {
        QueueSchema.migrate(ds);
        String election = "store-test-" + UUID.randomUUID();
        LeaderTerm a = new LeaderLease(ds, election, Duration.ofMillis(400)).acquire("cp-a").orElseThrow();
        LeaderLease lease = new LeaderLease(ds, election, Duration.ofMinutes(5));
        JdbcRolloutStore byA = store.fencedBy(a);
        RolloutState saved = byA.save(RolloutState.start("r-1", CANARY, "v1", "v2", List.of(), t0));

        LeaderTerm b = await().atMost(Duration.ofSeconds(10))
                .until(() -> lease.acquire("cp-b"), Optional::isPresent).orElseThrow();
        JdbcRolloutStore byB = store.fencedBy(b);

        RolloutState next = saved.toBuilder().stepIndex(1).build();
        assertThatThrownBy(() -> byA.save(next)).isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("term " + a.term() + " of cp-a has ended")
                .hasMessageContaining("the leader is cp-b");
        assertThatThrownBy(() -> byA.append(new RolloutEvent("r-1", t0, RolloutEvent.Kind.WAITING, "s", "by a")))
                .isInstanceOf(NotLeaderException.class);
        assertThatThrownBy(() -> byA.setPaused("r-1", true)).isInstanceOf(NotLeaderException.class);
        assertThat(store.load("r-1").orElseThrow().generation()).as("nothing of a's written").isEqualTo(saved.generation());
        assertThat(store.events("r-1")).isEmpty();

        assertThat(byB.save(next).generation()).isEqualTo(saved.generation() + 1);
        assertThat(byB.setPaused("r-1", true)).isTrue();
    }
}
