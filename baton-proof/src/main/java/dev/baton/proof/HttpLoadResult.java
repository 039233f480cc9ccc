package dev.baton.proof;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;

/**
 * Every request of an {@link HttpLoad} run, in timeline order, and the deploy windows marked during it.
 *
 * @param sent how many requests went out; equals {@code requests.size()}
 * @param duration how long the load ran
 */
public record HttpLoadResult(HttpLoadConfig config, long sent, List<RequestRecord> requests,
                             List<DeployWindow> windows, Duration duration) {

    public HttpLoadResult {
        requests = List.copyOf(requests);
        windows = List.copyOf(windows);
        if (sent != requests.size()) {
            throw new IllegalStateException("sent " + sent + " requests but recorded " + requests.size());
        }
    }

    /** The whole run; "during" means inside any of its deploy windows. */
    public RequestSummary summary() {
        return summarize(requests, windows, r -> false);
    }

    /** The whole run, with the failures {@code explained} accepts counted as explained. */
    public RequestSummary summary(Predicate<RequestRecord> explained) {
        return summarize(requests, windows, explained);
    }

    /** Only the requests due inside {@code window}: all of them count as during a deploy. */
    public RequestSummary summary(DeployWindow window) {
        return summarize(during(window), List.of(window), r -> false);
    }

    /** The requests due inside {@code window}. */
    public List<RequestRecord> during(DeployWindow window) {
        return requests.stream().filter(r -> window.contains(r.intendedNanos())).toList();
    }

    /** The requests that did not end OK, for explaining them one by one. */
    public List<RequestRecord> notOk() {
        return requests.stream().filter(r -> r.outcome() != Outcome.OK).toList();
    }

    static RequestSummary summarize(List<RequestRecord> rs, List<DeployWindow> windows,
                                    Predicate<RequestRecord> explained) {
        Histogram outside = histogram();
        Histogram during = histogram();
        Histogram all = histogram();
        long ok = 0;
        long failed = 0;
        long unknown = 0;
        long excused = 0;
        for (RequestRecord r : rs) {
            switch (r.outcome()) {
                case OK -> ok++;
                case FAILED -> {
                    failed++;
                    excused += explained.test(r) ? 1 : 0;
                }
                case UNKNOWN -> unknown++;
            }
            long micros = Math.max(1, r.latencyNanos() / 1_000);
            boolean inDeploy = windows.stream().anyMatch(w -> w.contains(r.intendedNanos()));
            (inDeploy ? during : outside).recordValue(Math.min(micros, all.getHighestTrackableValue()));
            all.recordValue(Math.min(micros, all.getHighestTrackableValue()));
        }
        return new RequestSummary(rs.size(), ok, failed, unknown, excused, pct(outside, 50), pct(outside, 99),
                pct(during, 50), pct(during, 99), pct(all, 99),
                all.getTotalCount() == 0 ? null : all.getMaxValue() / 1000.0);
    }

    private static Histogram histogram() {
        // Microseconds up to an hour, three significant digits.
        return new Histogram(3_600_000_000L, 3);
    }

    private static Double pct(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
