package dev.baton.server.verify;

import dev.baton.proof.HttpLoadResult;
import dev.baton.proof.Outcome;
import dev.baton.proof.RequestRecord;
import dev.baton.proof.RequestSummary;
import dev.baton.proof.ScenarioResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds a scenario's requests into its result: counts over every request sent (the steady ones and the
 * slow ones), latency from the steady ones alone (slow requests are slow on purpose), each excused failure
 * explained on its own line.
 */
final class Requests {

    /** Explanations beyond this many are summed up in one line, so a report stays readable. */
    static final int MAX_LINES = 25;

    private Requests() {}

    static void judge(HttpLoadResult steady, HttpLoadResult slow, FailureExplainer explainer,
                      ScenarioResult.Builder result) {
        List<RequestRecord> all = new ArrayList<>(steady.requests());
        if (slow != null) {
            all.addAll(slow.requests());
        }
        RequestSummary latency = steady.summary();
        long ok = count(all, Outcome.OK);
        long failed = count(all, Outcome.FAILED);
        long unknown = count(all, Outcome.UNKNOWN);
        long excused = all.stream().filter(explainer::explains).count();
        List<String> lines = explainer.explanations(all);
        result.requests(new RequestSummary(all.size(), ok, failed, unknown, excused, latency.p50OutsideMs(),
                latency.p99OutsideMs(), latency.p50DuringMs(), latency.p99DuringMs(), latency.p99Ms(),
                latency.maxMs()));
        lines.stream().limit(MAX_LINES).forEach(result::explanation);
        if (lines.size() > MAX_LINES) {
            result.explanation("… and " + (lines.size() - MAX_LINES) + " more excused failures like these");
        }
        all.stream().filter(r -> r.outcome() != Outcome.OK && !explainer.explains(r)).limit(MAX_LINES)
                .forEach(r -> result.violation("request " + r.id() + " " + r.outcome() + ": " + r.reason()
                        + (r.version() == null ? "" : " (answered by " + r.version() + ")")));
    }

    private static long count(List<RequestRecord> rs, Outcome o) {
        return rs.stream().filter(r -> r.outcome() == o).count();
    }
}
