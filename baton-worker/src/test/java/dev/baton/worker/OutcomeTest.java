package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    void returningCompletesAndValuesBecomeTheirDecision() {
        assertThat(Outcome.decide(null, null, null)).isInstanceOf(Outcome.Complete.class);
        assertThat(Outcome.decide(JobResult.complete(), null, null)).isInstanceOf(Outcome.Complete.class);
        assertThat(Outcome.decide(JobResult.retryLater(Duration.ofSeconds(5), "rate limited"), null, null))
                .isEqualTo(new Outcome.RetryLater(Duration.ofSeconds(5), "rate limited"));
        assertThat(Outcome.decide(JobResult.discard("gone"), null, null)).isEqualTo(new Outcome.Discard("gone"));
    }

    @Test
    void throwingFailsWithTheExceptionRecordedAndInvalidPayloadDiscards() {
        Outcome failed = Outcome.decide(null, new StackOverflowError(), null);
        assertThat(failed).isInstanceOf(Outcome.Fail.class);
        assertThat(((Outcome.Fail) failed).error()).startsWith("java.lang.StackOverflowError");
        assertThat(Outcome.decide(null, new InvalidPayloadException("payload: not valid JSON: x"), null))
                .isEqualTo(new Outcome.Discard("payload: not valid JSON: x"));
    }

    @Test
    void lostLeaseRecordsNothingWhateverTheHandlerDid() {
        assertThat(Outcome.decide(JobResult.complete(), null, CancelReason.LEASE_LOST)).isInstanceOf(Outcome.Abandon.class);
        assertThat(Outcome.decide(null, new InterruptedException(), CancelReason.LEASE_LOST))
                .isInstanceOf(Outcome.Abandon.class);
    }

    @Test
    void shutdownReleasesAnInterruptedHandlerButKeepsWorkThatFinished() {
        assertThat(Outcome.decide(null, new InterruptedException(), CancelReason.SHUTDOWN)).isInstanceOf(Outcome.Release.class);
        assertThat(Outcome.decide(null, new RuntimeException("boom"), CancelReason.SHUTDOWN)).isInstanceOf(Outcome.Release.class);
        assertThat(Outcome.decide(JobResult.complete(), null, CancelReason.SHUTDOWN)).isInstanceOf(Outcome.Complete.class);
    }
}
