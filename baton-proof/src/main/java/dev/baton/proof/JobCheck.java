package dev.baton.proof;

import java.util.List;

/**
 * What the database says about the jobs of a run, after waiting for the queue to drain.
 *
 * @param enqueued jobs the queue holds for the run's keys (acknowledged, or found by key after a failed call)
 * @param completed of those, how many are COMPLETED
 * @param lost {@code enqueued - completed}: not completed by the deadline (always a failure)
 * @param duplicated extra completions or effects of a key: a key completed twice in the queue, or
 *     whose effect was recorded more than once (always a failure)
 * @param reexecuted extra executions recorded in {@code sample_executions} (a job run again after its
 *     holder was killed): expected under faults and explainable, not a failure
 * @param effectsMissing completed keys without an effect in {@code sample_effects} (a failure);
 *     0 when the app has no such table
 * @param notEnqueued enqueue calls that failed and whose key is not in the queue: the producer knows
 *     these never existed, so they are not lost
 * @param problems one line per lost, duplicated or effect-less job, to explain each
 * @param reexecutions one line per re-executed key
 */
public record JobCheck(long enqueued, long completed, long lost, long duplicated, long reexecuted,
                       long effectsMissing, long notEnqueued, List<String> problems, List<String> reexecutions) {

    public JobCheck {
        if (lost != enqueued - completed) {
            throw new IllegalArgumentException("lost: must equal enqueued - completed");
        }
        problems = List.copyOf(problems);
        reexecutions = List.copyOf(reexecutions);
    }

    /** No job lost, none duplicated, every effect recorded. */
    public boolean holds() {
        return lost == 0 && duplicated == 0 && effectsMissing == 0;
    }

    /** Nothing enqueued, nothing checked. */
    public static JobCheck none() {
        return new JobCheck(0, 0, 0, 0, 0, 0, 0, List.of(), List.of());
    }
}
