package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExchangePhaseTest {

    @Test
    void aStartedResponseIsNeverRoutedAgainAndTheEndsAreFinal() {
        assertThat(ExchangePhase.RESPONDING.canGo(ExchangePhase.ROUTING)).isFalse();
        assertThat(ExchangePhase.RESPONDING.canGo(ExchangePhase.AWAITING)).isFalse();
        for (ExchangePhase end : new ExchangePhase[] {ExchangePhase.DONE, ExchangePhase.SWITCHED}) {
            assertThat(end.terminal()).isTrue();
            assertThat(Arrays.stream(ExchangePhase.values()).filter(end::canGo)).isEmpty();
        }
    }

    @Test
    void onlyAnAttemptInFlightGoesBackToRoutingAndEveryLivePhaseCanEnd() {
        assertThat(Arrays.stream(ExchangePhase.values()).filter(p -> p.canGo(ExchangePhase.ROUTING)))
                .containsExactlyInAnyOrder(ExchangePhase.CONNECTING, ExchangePhase.AWAITING);
        assertThat(Arrays.stream(ExchangePhase.values()).filter(p -> !p.terminal()))
                .allMatch(p -> p.canGo(ExchangePhase.DONE));
        assertThat(Arrays.stream(ExchangePhase.values()).filter(p -> p.canGo(ExchangePhase.SWITCHED)))
                .containsExactly(ExchangePhase.RESPONDING);
        assertThat(Arrays.stream(ExchangePhase.values()).filter(ExchangePhase::beforeResponse))
                .containsExactly(ExchangePhase.ROUTING, ExchangePhase.CONNECTING, ExchangePhase.AWAITING);
    }
}
