package dev.baton.bench.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One way of stopping a worker process with jobs in flight, and the jobs it gets.
 *
 * @param name {@code soft} (every job ends before the soft deadline) or {@code hard} (some do not)
 * @param durations how long each job sleeps; the worker runs them all at once
 * @param soft the worker's soft stop deadline
 * @param hard the worker's hard stop deadline
 */
record DrainCase(String name, List<Duration> durations, Duration soft, Duration hard) {

    /** Longer than any soft plus hard deadline here: such a job can only be released. */
    static final Duration ENDLESS = Duration.ofMinutes(10);

    DrainCase {
        if (durations.isEmpty()) {
            throw new IllegalArgumentException("durations: at least one job");
        }
        durations = List.copyOf(durations);
    }

    /** {@code jobs} jobs spread evenly up to {@code longest}, all well within the default 20 s soft deadline. */
    static DrainCase soft(int jobs, Duration longest) {
        List<Duration> d = new ArrayList<>();
        for (int i = 1; i <= jobs; i++) {
            d.add(longest.multipliedBy(i).dividedBy(jobs));
        }
        return new DrainCase("soft", d, Duration.ofSeconds(20), Duration.ofSeconds(5));
    }

    /**
     * Half the jobs end within half the soft deadline, the other half would run for ten minutes: those
     * are interrupted at the soft deadline and released.
     */
    static DrainCase hard(int jobs, Duration soft, Duration hard) {
        List<Duration> d = new ArrayList<>();
        int shortJobs = jobs / 2;
        for (int i = 1; i <= shortJobs; i++) {
            d.add(soft.dividedBy(2).multipliedBy(i).dividedBy(shortJobs));
        }
        for (int i = shortJobs; i < jobs; i++) {
            d.add(ENDLESS);
        }
        return new DrainCase("hard", d, soft, hard);
    }

    int jobs() {
        return durations.size();
    }

    /** The longest job that can end before the soft deadline. */
    Duration longestFinishing() {
        return durations.stream().filter(d -> d.compareTo(soft) < 0).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    int endless() {
        return (int) durations.stream().filter(d -> d.compareTo(soft) >= 0).count();
    }
}
