package dev.baton.server.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.proof.DeployWindow;
import dev.baton.proof.Outcome;
import dev.baton.proof.RequestRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureExplainerTest {
    private static final long S = 1_000_000_000L;
    private static final InstanceRef VICTIM = new InstanceRef("shop-v1-2", "v1", 4242, 41234, "READY");
    private static final Injection KILL_AT_10S = new Injection(FaultKind.WEB_KILL, 10 * S, VICTIM, Signal.KILL, 2, 0,
            "SIGKILL");

    @Test
    void aFailureInFlightAcrossTheKillIsExplainedNamingTheInstanceAndTheTimes() {
        FailureExplainer x = new FailureExplainer(List.of(KILL_AT_10S), null, null, 0);
        RequestRecord r = failed("r-7", 9 * S, 2 * S, 502, null);

        assertThat(x.explain(r)).hasValueSatisfying(line -> assertThat(line).contains("r-7", "+9.000s", "+11.000s",
                "shop-v1-2 (v1, port 41234, pid 4242)", "+10.000s", "HTTP 502"));
    }

    @Test
    void aFailureThatEndedBeforeTheKillOrWasSentAfterItIsNotExplained() {
        FailureExplainer x = new FailureExplainer(List.of(KILL_AT_10S), null, null, 0);

        assertThat(x.explains(failed("before", 8 * S, S, 502, null))).isFalse();
        assertThat(x.explains(failed("after", 11 * S, S, 502, null))).isFalse();
    }

    @Test
    void noReadyBackendAndRefusedConnectionsAreNeverBlamedOnAKill() {
        FailureExplainer x = new FailureExplainer(List.of(KILL_AT_10S), null, null, 0);

        assertThat(x.explains(failed("503", 9 * S, 2 * S, 503, null))).isFalse();
        assertThat(x.explains(new RequestRecord(1, "refused", 9 * S, 2 * S, Outcome.FAILED, 0,
                "connection refused", null))).isFalse();
        assertThat(x.explains(new RequestRecord(1, "reset", 9 * S, 2 * S, Outcome.FAILED, 0,
                "connection reset", null))).isTrue();
    }

    @Test
    void aSigtermExcusesNothing() {
        Injection term = new Injection(FaultKind.SLOW_TERM, 10 * S, VICTIM, Signal.TERM, 2, 0, "SIGTERM");
        FailureExplainer x = new FailureExplainer(List.of(term), null, null, 0);

        assertThat(x.explains(failed("r-1", 9 * S, 2 * S, 502, null))).isFalse();
    }

    @Test
    void aBadCanarysServerErrorsAreToleratedOnlyFromThatVersionAndBeforeItsDeployEnded() {
        DeployWindow deploy = new DeployWindow("canary v3", 5 * S, 20 * S);
        FailureExplainer x = new FailureExplainer(List.of(), "v3", deploy, 0);

        assertThat(x.explain(failed("r-1", 6 * S, S / 1000, 500, "v3"))).hasValueSatisfying(line ->
                assertThat(line).contains("tolerated", "r-1", "bad version v3"));
        assertThat(x.explains(failed("stable", 6 * S, S / 1000, 500, "v2"))).isFalse();
        assertThat(x.explains(failed("late", 21 * S, S / 1000, 500, "v3"))).isFalse();
        assertThat(x.explains(failed("503", 6 * S, S / 1000, 503, "v3"))).isFalse();
    }

    @Test
    void theBadVersionsErrorsAreSummedUpInOneLineAndEachKillFailureGetsItsOwn() {
        DeployWindow deploy = new DeployWindow("canary v3", 5 * S, 20 * S);
        FailureExplainer x = new FailureExplainer(List.of(KILL_AT_10S), "v3", deploy, 0);

        List<String> lines = x.explanations(List.of(failed("a", 6 * S, 1, 500, "v3"), failed("b", 7 * S, 1, 500, "v3"),
                failed("k1", 9 * S, 2 * S, 502, null), failed("k2", 9 * S, 2 * S, 504, null),
                failed("not-excused", 6 * S, 1, 503, null)));

        assertThat(lines).hasSize(3);
        assertThat(lines).filteredOn(l -> l.startsWith("killed: ")).hasSize(2);
        assertThat(lines).filteredOn(l -> l.startsWith("tolerated: ")).singleElement()
                .satisfies(l -> assertThat(l).contains("2 request(s)", "a, b"));
    }

    @Test
    void unknownOutcomesAreNeverExplained() {
        FailureExplainer x = new FailureExplainer(List.of(KILL_AT_10S), null, null, 0);

        assertThat(x.explains(new RequestRecord(1, "r-1", 9 * S, 6 * S, Outcome.UNKNOWN, 0, "timed out", null)))
                .isFalse();
    }

    private static RequestRecord failed(String id, long intended, long latency, int status, String version) {
        return new RequestRecord(1, id, intended, latency, Outcome.FAILED, status, "HTTP " + status, version);
    }
}
