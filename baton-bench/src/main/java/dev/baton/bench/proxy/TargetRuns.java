package dev.baton.bench.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The measured rounds of one target (direct, HAProxy or Baton) and their medians: on a shared,
 * noisy machine the median of interleaved rounds says more than any single run.
 */
record TargetRuns(String target, List<Round> rounds) {

    /**
     * One wrk run, the CPU the proxy and the backend used per request during it (microseconds; the
     * direct target has no proxy: 0), and the bytes the proxy's event loops allocated per request
     * (Baton only; NaN for the others).
     */
    record Round(Wrk.Result wrk, double proxyCpuMicrosPerRequest, double backendCpuMicrosPerRequest,
                 double proxyAllocatedBytesPerRequest) {
    }

    TargetRuns(String target) {
        this(target, new ArrayList<>());
    }

    double medianRps() {
        return median(r -> r.wrk().requestsPerSecond());
    }

    double medianP50Ms() {
        return median(r -> r.wrk().p50Ms());
    }

    double medianP99Ms() {
        return median(r -> r.wrk().p99Ms());
    }

    double medianProxyCpu() {
        return median(Round::proxyCpuMicrosPerRequest);
    }

    double medianBackendCpu() {
        return median(Round::backendCpuMicrosPerRequest);
    }

    double medianAllocated() {
        return median(Round::proxyAllocatedBytesPerRequest);
    }

    long errors() {
        return rounds.stream().mapToLong(r -> r.wrk().errors()).sum();
    }

    private double median(ToDoubleFunction<Round> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
