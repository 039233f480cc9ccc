package dev.baton.bench.worker;

import dev.baton.bench.queue.BurnDown;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The burn-downs at one thread count: the worker and its two floors, every round of each.
 *
 * @param floor the queue bench's floor: plain-SQL claim of 10 and one completion per batch
 * @param perJobFloor the same statements one job at a time (claim 1, complete 1): the worker's granularity
 * @param worker a {@code Worker} of that concurrency with a no-op handler
 */
record Throughput(int threads, List<BurnDown.Result> floor, List<BurnDown.Result> perJobFloor,
                  List<BurnDown.Result> worker) {

    Throughput(int threads) {
        this(threads, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    /** The best round: noise on a shared machine only ever slows a run down. */
    static double best(List<BurnDown.Result> rounds) {
        return rounds.stream().map(BurnDown.Result::jobsPerSecond).max(Comparator.naturalOrder()).orElse(0.0);
    }

    /** The lowest client CPU per job of any round: the code's cost with the least interference. */
    static double cpu(List<BurnDown.Result> rounds) {
        return rounds.stream().mapToDouble(BurnDown.Result::clientCpuMicrosPerJob).min().orElse(0);
    }

    double workerToFloor() {
        return best(worker) / best(floor);
    }

    double workerToPerJobFloor() {
        return best(worker) / best(perJobFloor);
    }
}
