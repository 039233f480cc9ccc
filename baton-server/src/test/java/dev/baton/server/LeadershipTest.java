package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.queue.LeaderTerm;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The election's one rule, as a pure value: who leads after each turn, and what the control plane does. */
class LeadershipTest {
    private static final Duration TTL = Duration.ofSeconds(5);
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    private final LeaderTerm term3 = new LeaderTerm("control-plane", "a", 3);
    private final Leadership leading = new Leadership(Leadership.Role.LEADER, term3, t0, "a (term 3)");

    @Test
    void aStandbyThatTakesTheLeaseLeadsAtItsTerm() {
        Leadership.Change c = Leadership.standby("b (term 2)").after(new LeaderAttempt.Acquired(term3, t0), TTL);

        assertThat(c.action()).isEqualTo(Leadership.Action.LEAD);
        assertThat(c.next().leads()).isTrue();
        assertThat(c.next().term()).isEqualTo(term3);
        assertThat(c.next().renewStartedAt()).isEqualTo(t0);
    }

    @Test
    void aStandbyThatFindsTheLeaseHeldWaitsAndKnowsTheLeader() {
        Leadership.Change c = Leadership.standby(null).after(new LeaderAttempt.Held("b (term 4)"), TTL);

        assertThat(c.action()).isEqualTo(Leadership.Action.NONE);
        assertThat(c.next().leads()).isFalse();
        assertThat(c.next().leader()).isEqualTo("b (term 4)");
    }

    @Test
    void aStandbyIgnoresADatabaseThatDoesNotAnswer() {
        Leadership standby = Leadership.standby("b (term 4)");
        assertThat(standby.after(new LeaderAttempt.Failed(t0, "refused"), TTL).next()).isEqualTo(standby);
    }

    @Test
    void aRenewalMovesTheLeasesStartForward() {
        Leadership.Change c = leading.after(new LeaderAttempt.Renewed(t0.plusSeconds(1)), TTL);

        assertThat(c.action()).isEqualTo(Leadership.Action.NONE);
        assertThat(c.next().renewStartedAt()).isEqualTo(t0.plusSeconds(1));
    }

    @Test
    void aLeaderWhoseRenewalIsRefusedStepsDown() {
        Leadership.Change c = leading.after(new LeaderAttempt.NotRenewed("b (term 4)"), TTL);

        assertThat(c.action()).isEqualTo(Leadership.Action.STEP_DOWN);
        assertThat(c.next().leads()).isFalse();
        assertThat(c.next().leader()).isEqualTo("b (term 4)");
        assertThat(c.why()).isEqualTo("the lease was taken over; the leader is b (term 4)");
        assertThat(leading.after(new LeaderAttempt.NotRenewed(null), TTL).why()).isEqualTo("the lease lapsed");
    }

    @Test
    void aLeaderWhoseWriteWasFencedOrWhoseTakeoverFailedStepsDownButAnOldTermsLossChangesNothing() {
        Leadership.Change fenced = leading.after(new LeaderAttempt.Lost(term3, "not the leader any more"), TTL);
        assertThat(fenced.action()).isEqualTo(Leadership.Action.STEP_DOWN);
        assertThat(fenced.why()).isEqualTo("not the leader any more");

        LeaderTerm earlier = new LeaderTerm("control-plane", "a", 1);
        assertThat(leading.after(new LeaderAttempt.Lost(earlier, "old"), TTL).action()).isEqualTo(Leadership.Action.NONE);
    }

    @Test
    void aLeaderThatCannotReachTheDatabaseKeepsLeadingUntilItsLeaseMayHaveRunOut() {
        assertThat(leading.after(new LeaderAttempt.Failed(t0.plus(TTL).minusMillis(1), "timeout"), TTL).action())
                .isEqualTo(Leadership.Action.NONE);

        Leadership.Change c = leading.after(new LeaderAttempt.Failed(t0.plus(TTL), "timeout"), TTL);
        assertThat(c.action()).isEqualTo(Leadership.Action.STEP_DOWN);
        assertThat(c.why()).contains("could not be renewed for 5000ms").contains("timeout");
    }
}
