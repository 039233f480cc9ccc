package dev.baton.server.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenariosTest {

    @Test
    void quickCoversEveryStrategyAndEveryFault() {
        List<Scenario> quick = Scenarios.quick();

        assertThat(quick).extracting(Scenario::strategy).containsAll(Scenario.STRATEGIES);
        assertThat(quick.stream().flatMap(s -> s.kinds().stream())).containsExactlyInAnyOrder(
                java.util.Arrays.stream(FaultKind.values()).filter(k -> k.injectableOn(false)).toArray(FaultKind[]::new));
        assertThat(quick).extracting(Scenario::name).doesNotHaveDuplicates();
    }

    @Test
    void theQuickKubernetesListKillsTheLeaderMidCanaryAndAProxyAndAPodMidRollout() {
        List<Scenario> quick = Scenarios.kubernetesQuick();

        assertThat(quick).extracting(Scenario::name).containsExactly("canary+leader-kill",
                "rolling+proxy-kill+pod-force-delete");
        assertThat(quick.stream().flatMap(s -> s.kinds().stream())).allMatch(k -> k.injectableOn(true));
    }

    @Test
    void theTestCommandsSetCoversEveryStrategyBothKillsAndTheRestarts() {
        List<Scenario> ci = Scenarios.ci();

        assertThat(ci).extracting(Scenario::strategy).containsAll(Scenario.STRATEGIES);
        assertThat(ci.stream().flatMap(s -> s.kinds().stream())).contains(FaultKind.WORKER_KILL, FaultKind.WEB_KILL,
                FaultKind.CONTROL_PLANE_RESTART, FaultKind.DATABASE_RESTART);
    }

    @Test
    void explicitFaultsRunOnEachChosenStrategyTheyApplyTo() {
        VerifyOptions o = new VerifyOptions(null, List.of("rolling", "canary"), null, 50,
                List.of(FaultKind.WEB_KILL, FaultKind.CANARY_ERRORS), true, false);

        assertThat(Scenarios.select(o)).extracting(Scenario::name)
                .containsExactly("rolling+web-kill", "canary+web-kill", "canary+canary-errors");
    }

    @Test
    void canaryFaultsWithoutACanaryAreRefused() {
        VerifyOptions o = new VerifyOptions(null, List.of("rolling"), null, 50, List.of(FaultKind.CANARY_ERRORS),
                true, false);

        assertThatThrownBy(() -> Scenarios.select(o)).hasMessageContaining("--faults")
                .hasMessageContaining("canary");
    }

    @Test
    void aBadVersionIsExpectedToBeRolledBackAndCarriesItsSwitches() {
        Scenario s = Scenario.of("canary", FaultKind.CANARY_ERRORS);

        assertThat(s.expectsRollback()).isTrue();
        assertThat(s.failsRequestsOnPurpose()).isTrue();
        assertThat(s.versionEnv()).isEqualTo(Map.of("SAMPLE_ERROR_RATE", "0.2"));
        assertThat(Scenario.of("rolling", FaultKind.WORKER_KILL).expectsRollback()).isFalse();
        assertThat(Arrays.stream(FaultKind.values()).map(Fault::of).filter(Fault::rollsBack).map(Fault::kind))
                .containsExactlyInAnyOrder(FaultKind.CANARY_ERRORS, FaultKind.CANARY_JOB_FAILURES,
                        FaultKind.NEVER_READY);
    }
}
