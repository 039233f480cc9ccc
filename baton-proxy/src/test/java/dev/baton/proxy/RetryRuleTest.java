package dev.baton.proxy;

import static dev.baton.proxy.RetryRule.Decision.FAIL;
import static dev.baton.proxy.RetryRule.Decision.RETRY;
import static dev.baton.proxy.RetryRule.Decision.RETRY_IF_BUDGET;
import static dev.baton.proxy.RetryRule.Progress.NOTHING_WRITTEN;
import static dev.baton.proxy.RetryRule.Progress.NOT_CONNECTED;
import static dev.baton.proxy.RetryRule.Progress.RESPONSE_STARTED;
import static dev.baton.proxy.RetryRule.Progress.WRITTEN;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryRuleTest {

    @Test
    void aRequestNothingOfWhichWasWrittenIsRetriedWhateverItsMethod() {
        assertThat(RetryRule.decide(NOT_CONNECTED, false, true, true)).isEqualTo(RETRY);
        assertThat(RetryRule.decide(NOTHING_WRITTEN, false, true, true)).isEqualTo(RETRY);
        assertThat(RetryRule.decide(NOTHING_WRITTEN, true, true, true)).isEqualTo(RETRY);
    }

    @Test
    void aNonIdempotentRequestThatWasWrittenIsNeverRetried() {
        assertThat(RetryRule.decide(WRITTEN, false, true, true)).isEqualTo(FAIL);
    }

    @Test
    void anIdempotentRequestThatWasWrittenIsRetriedOnlyWithinTheBudget() {
        assertThat(RetryRule.decide(WRITTEN, true, true, true)).isEqualTo(RETRY_IF_BUDGET);
    }

    @Test
    void aStartedResponseIsNeverRetried() {
        assertThat(RetryRule.decide(RESPONSE_STARTED, true, true, true)).isEqualTo(FAIL);
    }

    @Test
    void noRetryWithoutAttemptsLeftOrWithoutTheBody() {
        assertThat(RetryRule.decide(NOT_CONNECTED, true, true, false)).isEqualTo(FAIL);
        assertThat(RetryRule.decide(NOT_CONNECTED, true, false, true)).isEqualTo(FAIL);
        assertThat(RetryRule.decide(WRITTEN, true, false, true)).isEqualTo(FAIL);
    }
}
