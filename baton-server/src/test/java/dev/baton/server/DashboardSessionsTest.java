package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.queue.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DashboardSessionsTest {
    private final TestClock clock = new TestClock();
    private final DashboardSessions sessions = new DashboardSessions("api-token", "read-only-token", clock);

    @Test
    void theApiTokenOpensAnOperatorSessionAndTheReadOnlyTokenALookingOne() {
        DashboardSession operator = sessions.login("api-token").orElseThrow();
        DashboardSession reader = sessions.login(" read-only-token\n").orElseThrow();

        assertThat(operator.access()).isEqualTo(DashboardSession.Access.OPERATOR);
        assertThat(reader.access()).isEqualTo(DashboardSession.Access.READ_ONLY);
        assertThat(operator.who()).contains("the API token").doesNotContain("api-token");
        assertThat(reader.who()).contains("the read-only token");
        assertThat(sessions.find(operator.id())).contains(operator);
    }

    @Test
    void aWrongOrMissingTokenOpensNoSession() {
        assertThat(sessions.login("api-token2")).isEmpty();
        assertThat(sessions.login("")).isEmpty();
        assertThat(sessions.login(null)).isEmpty();
        assertThat(sessions.find("made-up")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }

    @Test
    void sessionIdsAndCsrfTokensAreUnguessableAndDistinct() {
        DashboardSession a = sessions.login("api-token").orElseThrow();
        DashboardSession b = sessions.login("api-token").orElseThrow();

        assertThat(a.id()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(b.id()).isNotEqualTo(a.csrf());
        assertThat(a.csrf()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(b.csrf());
    }

    @Test
    void onlyTheSessionsOwnCsrfTokenIsAccepted() {
        DashboardSession a = sessions.login("api-token").orElseThrow();
        DashboardSession b = sessions.login("api-token").orElseThrow();

        assertThat(a.csrfMatches(a.csrf())).isTrue();
        assertThat(a.csrfMatches(b.csrf())).isFalse();
        assertThat(a.csrfMatches(null)).isFalse();
        assertThat(a.csrfMatches("")).isFalse();
        assertThat(a.csrfMatches(a.csrf().substring(1))).isFalse();
    }

    @Test
    void aSessionExpiresAfterItsLifetimeAndASignedOutOneIsGone() {
        DashboardSession a = sessions.login("api-token").orElseThrow();
        DashboardSession b = sessions.login("api-token").orElseThrow();

        clock.advance(DashboardSessions.TTL.minusSeconds(1));
        assertThat(sessions.find(a.id())).isPresent();
        sessions.logout(b.id());
        assertThat(sessions.find(b.id())).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.find(a.id())).isEmpty();
    }

    @Test
    void aLoginLinkOpensOneOperatorSessionOnceAndNotAfterItExpires() {
        String link = sessions.newLink();
        assertThat(sessions.redeem(link).orElseThrow().access()).isEqualTo(DashboardSession.Access.OPERATOR);
        assertThat(sessions.redeem(link)).as("used once already").isEmpty();

        String late = sessions.newLink();
        clock.advance(DashboardSessions.LINK_TTL);
        assertThat(sessions.redeem(late)).isEmpty();
        assertThat(sessions.redeem("made-up")).isEmpty();
        assertThat(sessions.redeem(null)).isEmpty();
    }

    @Test
    void theReadOnlyTokenMustDifferFromTheApiToken() {
        assertThatThrownBy(() -> new DashboardSessions("same", "same", clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only token");
    }
}
