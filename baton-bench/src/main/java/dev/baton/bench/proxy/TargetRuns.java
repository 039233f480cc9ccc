package dev.baton.bench.proxy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The measured rounds of one target (direct, HAProxy or Baton) and their medians: on a shared,
 * noisy machine the median of interleaved rounds says more than any single run.
 */
record TargetRuns(String target, List<Wrk.Result> rounds) {

    TargetRuns(String target) {
        this(target, new ArrayList<>());
    }

    double medianRps() {
        return median(Wrk.Result::requestsPerSecond);
    }

    double medianP50Ms() {
        return median(Wrk.Result::p50Ms);
    }

    double medianP99Ms() {
        return median(Wrk.Result::p99Ms);
    }

    long errors() {
        return rounds.stream().mapToLong(Wrk.Result::errors).sum();
    }

    private double median(ToDoubleFunction<Wrk.Result> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    @Override
    public String toString() {
        return target + Arrays.toString(rounds.toArray());
    }
}
