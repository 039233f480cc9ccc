package dev.baton.rollout;

import dev.baton.rollout.AnalysisVerdict.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a canary from per-version metrics. Each configured check (HTTP error rate, p99 latency, job
 * failure rate) passes, fails, or is inconclusive when the canary has fewer than {@code min_requests}
 * requests (or job attempts). A canary over a threshold is not blamed when the stable version, with
 * enough traffic of its own, is over it too (a shared dependency is failing, not the canary). Any failed
 * check fails the verdict; it passes only when every check passes.
 */
public final class Analysis {
    private Analysis() {}

    public static AnalysisVerdict judge(AnalysisSpec spec, HttpStats canaryHttp, HttpStats stableHttp,
                                        JobStats canaryJobs, JobStats stableJobs, Instant at) {
        List<Check> checks = new ArrayList<>();
        int min = spec.minRequests();
        if (spec.maxErrorRate() != null) {
            checks.add(rate("error rate", canaryHttp.requests(), "requests", canaryHttp.errorRate(),
                    stableHttp.requests(), stableHttp.errorRate(), spec.maxErrorRate(), min,
                    canaryHttp.errors() + "/" + canaryHttp.requests() + " requests"));
        }
        if (spec.maxP99() != null) {
            checks.add(p99(canaryHttp, stableHttp, spec.maxP99(), min));
        }
        if (spec.maxJobFailureRate() != null && (canaryJobs.attempts() > 0 || stableJobs.attempts() > 0)) {
            // Without any job run by either version there is nothing to judge: an app that deploys
            // workers but has no job traffic must not wait forever for job samples.
            checks.add(rate("job failure rate", canaryJobs.attempts(), "job attempts", canaryJobs.failureRate(),
                    stableJobs.attempts(), stableJobs.failureRate(), spec.maxJobFailureRate(), min,
                    canaryJobs.failed() + "/" + canaryJobs.attempts() + " jobs"));
        }
        Outcome outcome = checks.stream().anyMatch(c -> c.outcome == Outcome.FAIL) ? Outcome.FAIL
                : checks.stream().allMatch(c -> c.outcome == Outcome.PASS) ? Outcome.PASS : Outcome.INCONCLUSIVE;
        List<String> reasons = checks.stream()
                .filter(c -> outcome == Outcome.PASS || c.outcome == outcome)
                .map(c -> c.reason).toList();
        return new AnalysisVerdict(outcome, String.join("; ", reasons), at);
    }

    private record Check(Outcome outcome, String reason) {}

    private static Check rate(String name, long count, String unit, double canary, long stableCount, double stable,
                              double max, int min, String detail) {
        if (count < min) {
            return new Check(Outcome.INCONCLUSIVE, name + ": only " + count + " " + unit + ", need " + min);
        }
        String text = name + " " + pct(canary) + " vs max " + pct(max) + " (" + detail + "; stable " + pct(stable) + ")";
        if (canary <= max) {
            return new Check(Outcome.PASS, text);
        }
        if (stableCount >= min && stable > max) {
            return new Check(Outcome.INCONCLUSIVE, text + ": stable is over the threshold too");
        }
        return new Check(Outcome.FAIL, text);
    }

    private static Check p99(HttpStats canary, HttpStats stable, Duration max, int min) {
        if (canary.requests() < min) {
            return new Check(Outcome.INCONCLUSIVE, "p99: only " + canary.requests() + " requests, need " + min);
        }
        if (canary.p99() == null) {
            return new Check(Outcome.INCONCLUSIVE, "p99: not reported");
        }
        String text = "p99 " + canary.p99().toMillis() + "ms vs max " + max.toMillis() + "ms (stable "
                + (stable.p99() == null ? "?" : stable.p99().toMillis() + "ms") + ")";
        if (canary.p99().compareTo(max) <= 0) {
            return new Check(Outcome.PASS, text);
        }
        if (stable.requests() >= min && stable.p99() != null && stable.p99().compareTo(max) > 0) {
            return new Check(Outcome.INCONCLUSIVE, text + ": stable is over the threshold too");
        }
        return new Check(Outcome.FAIL, text);
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }
}
