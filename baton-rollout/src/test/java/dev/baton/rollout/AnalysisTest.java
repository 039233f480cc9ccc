package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.rollout.AnalysisVerdict.Outcome;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AnalysisTest {
    static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");
    static final AnalysisSpec SPEC = new AnalysisSpec(Duration.ofSeconds(5), 0.01, Duration.ofMillis(500), 0.02, 50);
    static final HttpStats HEALTHY = new HttpStats(1000, 1, Duration.ofMillis(80));

    static AnalysisVerdict judge(HttpStats canary, HttpStats stable, JobStats canaryJobs, JobStats stableJobs) {
        return Analysis.judge(SPEC, canary, stable, canaryJobs, stableJobs, AT);
    }

    @Test
    void healthyCanaryPasses() {
        AnalysisVerdict v = judge(new HttpStats(100, 0, Duration.ofMillis(90)), HEALTHY, new JobStats(60, 1), new JobStats(500, 2));
        assertThat(v.outcome()).isEqualTo(Outcome.PASS);
        assertThat(v.at()).isEqualTo(AT);
    }

    @Test
    void jobCheckIsLeftOutWhenNoVersionRanAnyJobButWaitsWhenOnlyTheCanaryIsShort() {
        HttpStats canary = new HttpStats(100, 0, Duration.ofMillis(90));
        assertThat(judge(canary, HEALTHY, JobStats.NONE, JobStats.NONE).outcome())
                .as("an app with workers but no job traffic").isEqualTo(Outcome.PASS);
        AnalysisVerdict shortOfJobs = judge(canary, HEALTHY, new JobStats(3, 0), new JobStats(500, 2));
        assertThat(shortOfJobs.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(shortOfJobs.reason()).contains("job failure rate: only 3 job attempts, need 50");
    }

    @Test
    void errorRateOverThresholdFailsAndSaysWhy() {
        AnalysisVerdict v = judge(new HttpStats(200, 15, Duration.ofMillis(90)), HEALTHY, new JobStats(60, 0), JobStats.NONE);
        assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.reason()).isEqualTo("error rate 7.50% vs max 1.00% (15/200 requests; stable 0.10%)");
    }

    @Test
    void slowP99Fails() {
        AnalysisVerdict v = judge(new HttpStats(200, 0, Duration.ofMillis(900)), HEALTHY, new JobStats(60, 0), JobStats.NONE);
        assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.reason()).contains("p99 900ms vs max 500ms (stable 80ms)");
    }

    @Test
    void jobFailureRateOverThresholdFails() {
        AnalysisVerdict v = judge(new HttpStats(200, 0, Duration.ofMillis(90)), HEALTHY, new JobStats(50, 10), new JobStats(1000, 5));
        assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(v.reason()).startsWith("job failure rate 16.67% vs max 2.00% (10/60 jobs");
    }

    @Test
    void belowMinRequestsIsInconclusiveEvenWithErrors() {
        AnalysisVerdict v = judge(new HttpStats(49, 49, Duration.ofMillis(900)), HEALTHY, new JobStats(60, 0), JobStats.NONE);
        assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(v.reason()).contains("error rate: only 49 requests, need 50");
    }

    @Test
    void stableOverThresholdTooIsNotBlamedOnTheCanary() {
        AnalysisVerdict v = judge(new HttpStats(200, 10, Duration.ofMillis(90)), new HttpStats(5000, 300, Duration.ofMillis(90)),
                new JobStats(60, 0), JobStats.NONE);
        assertThat(v.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(v.reason()).contains("stable is over the threshold too");
    }

    @Test
    void stableWithTooLittleTrafficIsNoExcuse() {
        AnalysisVerdict v = judge(new HttpStats(200, 10, Duration.ofMillis(90)), new HttpStats(10, 5, Duration.ofMillis(90)),
                new JobStats(60, 0), JobStats.NONE);
        assertThat(v.outcome()).isEqualTo(Outcome.FAIL);
    }

    @Test
    void onlyConfiguredChecksCount() {
        AnalysisSpec onlyErrors = new AnalysisSpec(Duration.ofSeconds(5), 0.05, null, null, 10);
        AnalysisVerdict v = Analysis.judge(onlyErrors, new HttpStats(100, 2, Duration.ofSeconds(9)), HttpStats.NONE,
                new JobStats(0, 100), JobStats.NONE, AT);
        assertThat(v.outcome()).isEqualTo(Outcome.PASS);
    }
}
