package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The leader lease on the real PostgreSQL: two candidates, one leader at a time, terms that fence writes. */
class LeaderLeaseTest extends QueueTestSupport {
    private static final Duration SHORT = Duration.ofMillis(400);

    /** Each test its own election, so no test sees another's lease. */
    private final String election = "test-" + UUID.randomUUID();

    @Test
    void ofTwoCandidatesOnlyOneLeadsWhileTheLeaseIsRenewed() {
        LeaderLease lease = new LeaderLease(ds, election, Duration.ofSeconds(30));
        LeaderTerm a = lease.acquire("a").orElseThrow();

        assertThat(a.term()).isEqualTo(1);
        assertThat(lease.acquire("b")).as("held by a").isEmpty();
        assertThat(lease.renew(a)).isTrue();
        assertThat(lease.acquire("b")).as("still held by a").isEmpty();
        assertThat(lease.current()).get().extracting(LeaderLease.Holder::holder, LeaderLease.Holder::live)
                .containsExactly("a", true);
    }

    @Test
    void whenTheLeaderStopsRenewingTheOtherTakesOverWithAHigherTermAndTheDeposedCannotWrite() {
        LeaderLease lease = new LeaderLease(ds, election, SHORT);
        LeaderTerm a = lease.acquire("a").orElseThrow();
        QueuePauses byA = new QueuePauses(ds, clock, a);
        assertThat(byA.pause("mail-" + election, "while a leads")).isTrue();

        LeaderTerm b = await().atMost(Duration.ofSeconds(10)).until(() -> lease.acquire("b"), Optional::isPresent).orElseThrow();

        assertThat(b.term()).isGreaterThan(a.term());
        assertThat(lease.renew(a)).as("a's term has ended").isFalse();
        assertThatThrownBy(() -> byA.resume("mail-" + election))
                .isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("term " + a.term() + " of a has ended")
                .hasMessageContaining("the leader is b (term " + b.term() + ")");
        assertThat(new QueuePauses(ds, clock).paused()).extracting(QueuePauses.Paused::queue).contains("mail-" + election);
        assertThat(new QueuePauses(ds, clock, b).resume("mail-" + election)).as("the new leader writes").isTrue();
    }

    @Test
    void aLeaderWhoseLeaseLapsedCannotWriteEvenWhenNobodyTookOver() {
        LeaderLease lease = new LeaderLease(ds, election, SHORT);
        LeaderTerm a = lease.acquire("a").orElseThrow();
        JobRouting routing = queue.routing(a);

        await().atMost(Duration.ofSeconds(10)).until(() -> !lease.current().orElseThrow().live());

        assertThatThrownBy(routing::clear).isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("the lease lapsed; last held by a");
        assertThat(lease.renew(a)).as("a lapsed lease is not renewed: its holder steps down").isFalse();
    }

    @Test
    void aDeposedLeaderCannotRetryTheJobsACanaryFailedWhileTheNewLeaderCan() {
        LeaderLease lease = new LeaderLease(ds, election, SHORT);
        LeaderTerm a = lease.acquire("a").orElseThrow();
        String kind = "canary-" + election;
        long id = queue.enqueue(JobRequest.of(kind, "{}")).id();
        java.time.Instant since = clock.instant();
        queue.fail(queue.claim(new ClaimRequest("canary", "v2", java.util.Set.of(kind), java.util.Set.of(), 1))
                .getFirst(), "canary bug");
        LeaderTerm b = await().atMost(Duration.ofSeconds(10)).until(() -> lease.acquire("b"), Optional::isPresent)
                .orElseThrow();

        assertThatThrownBy(() -> queue.retryFailedBy("v2", since, a)).isInstanceOf(NotLeaderException.class);
        assertThat(queue.find(id).orElseThrow().attempt()).as("the deposed leader's retry changed nothing").isEqualTo(1);
        assertThat(queue.retryFailedBy("v2", since, b)).as("the leader's retry").isEqualTo(1);
        assertThat(queue.find(id).orElseThrow().attempt()).isZero();
    }

    @Test
    void theFencedWriteOfATermHoldsTheTermUntilItCommits() throws Exception {
        LeaderLease lease = new LeaderLease(ds, election, SHORT);
        LeaderTerm a = lease.acquire("a").orElseThrow();
        CompletableFuture<Optional<LeaderTerm>> takeover;
        try (Connection writing = ds.getConnection()) {
            writing.setAutoCommit(false);
            a.check(writing); // a's write has begun and holds the term
            await().atMost(Duration.ofSeconds(10)).until(() -> !lease.current().orElseThrow().live());

            takeover = CompletableFuture.supplyAsync(() -> lease.acquire("b"));
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnALock("b"));
            assertThat(takeover).as("b waits for a's write to end").isNotDone();
            writing.commit();
        }
        LeaderTerm b = takeover.get().orElseThrow();
        assertThat(b.term()).isEqualTo(a.term() + 1);
        assertThatThrownBy(() -> queue.routing(a).clear()).isInstanceOf(NotLeaderException.class);
    }

    @Test
    void aRestartedHolderRetakesItsOwnLeaseAtOnceAtANewTermThatFencesTheOldOne() {
        LeaderLease lease = new LeaderLease(ds, election, Duration.ofSeconds(30));
        LeaderTerm before = lease.acquire("a").orElseThrow();

        LeaderTerm after = lease.acquire("a").orElseThrow();

        assertThat(after.term()).isEqualTo(before.term() + 1);
        assertThat(lease.renew(before)).isFalse();
        assertThatThrownBy(() -> new QueuePauses(ds, clock, before).pause("q-" + election, null))
                .isInstanceOf(NotLeaderException.class);
    }

    @Test
    void aReleasedLeaseIsTakenAtOnce() {
        LeaderLease lease = new LeaderLease(ds, election, Duration.ofSeconds(30));
        LeaderTerm a = lease.acquire("a").orElseThrow();

        assertThat(lease.release(a)).isTrue();

        assertThat(lease.acquire("b")).get().extracting(LeaderTerm::term).isEqualTo(a.term() + 1);
        assertThat(lease.release(a)).as("a's term has ended").isFalse();
    }

    /** Whether a session is waiting on a lock in a statement that takes the lease for {@code holder}. */
    private static boolean waitingOnALock(String holder) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%baton_leadership%'")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }
}
