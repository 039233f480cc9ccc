package dev.baton.bench.queue;

import dev.baton.queue.ClaimRequest;
import dev.baton.queue.Job;
import dev.baton.queue.JobQueue;
import java.util.List;
import java.util.Set;

/** Baton's way: {@link JobQueue#claim} then {@link JobQueue#completeAll}. */
final class QueueWorker implements BatchWorker {

    private final JobQueue queue;
    private final ClaimRequest request;

    QueueWorker(JobQueue queue, String workerId, int batch) {
        this.queue = queue;
        this.request = new ClaimRequest(workerId, null, Set.of(QueueBench.KIND), Set.of(), batch);
    }

    @Override
    public int claimAndComplete() {
        List<Job> jobs = queue.claim(request);
        if (jobs.isEmpty()) {
            return 0;
        }
        int done = queue.completeAll(jobs).size();
        if (done != jobs.size()) {
            throw new IllegalStateException("lost " + (jobs.size() - done) + " leases during the benchmark");
        }
        return done;
    }
}
