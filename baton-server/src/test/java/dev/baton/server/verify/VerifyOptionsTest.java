package dev.baton.server.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifyOptionsTest {

    @Test
    void anUnknownStrategyIsRefusedNamingTheOptionAndTheAllowedValues() {
        assertThatThrownBy(() -> VerifyOptions.parseStrategies("bogus"))
                .hasMessage("--strategy: unknown strategy 'bogus'; allowed: rolling, blue-green, canary, all");
    }

    @Test
    void allMeansEveryStrategyInOrderAndListsAreAccepted() {
        assertThat(VerifyOptions.parseStrategies("all")).containsExactly("rolling", "blue-green", "canary");
        assertThat(VerifyOptions.parseStrategies("canary,rolling")).containsExactly("canary", "rolling");
    }

    @Test
    void anUnknownFaultIsRefusedListingEveryFault() {
        assertThatThrownBy(() -> VerifyOptions.parseFaults("web-kill,meteor"))
                .hasMessageStartingWith("--faults: unknown fault 'meteor'; allowed: worker-kill, web-kill, slow-term, ")
                .hasMessageEndingWith("leader-kill, proxy-kill, pod-force-delete, none, all");
    }

    @Test
    void aFaultOfTheOtherStageIsRefusedNamingIt() {
        assertThatThrownBy(() -> VerifyOptions.parseFaults("leader-kill"))
                .hasMessage("--faults: leader-kill needs --kubernetes (Baton's own pods on a cluster)");
        assertThatThrownBy(() -> VerifyOptions.parseFaults("web-kill", true))
                .hasMessageStartingWith("--faults: web-kill acts on this host's processes or database, not with "
                        + "--kubernetes; allowed with --kubernetes: canary-errors, canary-job-failures, never-ready, "
                        + "leader-kill, proxy-kill, pod-force-delete, none, all");
        assertThat(VerifyOptions.parseFaults("all", true)).containsExactly(FaultKind.CANARY_ERRORS,
                FaultKind.CANARY_JOB_FAILURES, FaultKind.NEVER_READY, FaultKind.LEADER_KILL, FaultKind.PROXY_KILL,
                FaultKind.POD_FORCE_DELETE);
    }

    @Test
    void faultsNoneIsHealthyDeploysOnly() {
        assertThat(VerifyOptions.parseFaults("none")).isEmpty();
        assertThat(VerifyOptions.parseFaults("all")).containsExactly(java.util.Arrays.stream(FaultKind.values())
                .filter(k -> k.where() != FaultKind.Where.KUBERNETES).toArray(FaultKind[]::new));
    }

    @Test
    void badDurationsAndRatesNameTheOption() {
        assertThatThrownBy(() -> VerifyOptions.parseDuration("30 minutes")).hasMessageStartingWith("--duration: ");
        assertThatThrownBy(() -> new VerifyOptions(null, List.of("rolling"), Duration.ZERO, 50, null, true, false))
                .hasMessageStartingWith("--duration: ");
        assertThatThrownBy(() -> new VerifyOptions(null, List.of("rolling"), null, 0, null, true, false))
                .hasMessage("--rate: must be 1..5000 requests per second, got 0");
        assertThat(VerifyOptions.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
    }
}
