package dev.baton.rollout;

import java.util.List;
import java.util.Map;

/**
 * Rolling back a canary or blue-green rollout: make sure the stable version has all its instances ready,
 * give it all traffic and jobs (one route swap when it is still running), take the new version away, then
 * put the jobs the new version failed back in the queue.
 */
final class BackToStable {
    private BackToStable() {}

    static Step next(RolloutState s) {
        String stable = s.stableVersion();
        int n = s.spec().instances();
        List<String> others = s.live().stream().filter(i -> !i.version().equals(stable)).map(InstanceView::id).toList();
        if (!others.isEmpty()) {
            int live = s.live(stable).size();
            if (live < n) {
                return new Step.StartInstances(stable, n - live);
            }
            if (s.ready(stable).size() < n) {
                return Decisions.awaitReady(s, stable, n);
            }
            Map<String, Integer> all = Step.split(stable, 100);
            if (!all.equals(s.weights())) {
                return new Step.SetWeights(all);
            }
            if (s.spec().hasWorker() && !all.equals(s.jobShares())) {
                return new Step.SetJobShares(all);
            }
            if (s.previewVersion() != null) {
                return new Step.SetPreview(null);
            }
            return new Step.DrainAndStop(others, "rolled back: " + s.reason());
        }
        if (s.spec().hasWorker() && !s.failedJobsRetried()) {
            return new Step.RetryFailedJobs(s.targetVersion(), s.startedAt());
        }
        if (s.spec().hasWorker() && !s.jobShares().isEmpty()) {
            return new Step.SetJobShares(Map.of());
        }
        return new Step.Done(RolloutPhase.ROLLED_BACK);
    }
}
