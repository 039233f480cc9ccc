package dev.baton.proof;

import java.util.List;

/** Every job a {@link JobLoad} run tried to enqueue, in timeline order. */
public record JobLoadResult(List<EnqueuedJob> jobs) {

    public JobLoadResult {
        jobs = List.copyOf(jobs);
    }

    /** The jobs due inside {@code window}. */
    public JobLoadResult during(DeployWindow window) {
        return new JobLoadResult(jobs.stream().filter(j -> window.contains(j.intendedNanos())).toList());
    }

    /** The enqueue calls that failed. */
    public List<EnqueuedJob> enqueueFailures() {
        return jobs.stream().filter(j -> !j.acknowledged()).toList();
    }
}
