package dev.baton.rollout;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a strategy needs to decide the next step: what runs, what is routed where, how far the
 * rollout has come, what the analysis said, what the user asked for, and the time. Immutable; the engine
 * makes a new one after every step (see {@link #toBuilder()}) and persists it.
 *
 * @param stableVersion the version serving before this rollout, or null on a first deploy
 * @param targetVersion the version being rolled out
 * @param weights traffic percent per version as last published
 * @param jobShares job percent per version as last published; empty = no job routing
 * @param previewVersion the version on the preview port, or null
 * @param stepIndex the canary step being worked on (unused by other strategies)
 * @param progressAt the last time the rollout made progress; the progress deadline counts from here
 * @param stepSince when the current canary step (or its weight) began; pauses count from here
 * @param lastVerdict the latest analysis verdict, or null
 * @param smokePassed the smoke check's result, or null when not run
 * @param promotedAt when the target took all traffic, or null
 * @param abortReason set when a user asked to abort or roll back
 * @param reason why the rollout is rolling back, or null
 * @param startFailures instances in a row that exited before they were ready (reset when one becomes ready)
 * @param lastStartFailure the last of those: which instance, its exit code and the end of its log; or null
 * @param rollbackTo the revision this rollout goes back to when it is a {@code baton rollback}, else null
 * @param now the time of this decision
 * @param generation how many times the store had saved this rollout when this state was read or saved (0: never
 *     saved); a save succeeds only while the stored rollout is still at this generation, so two writers cannot
 *     silently overwrite each other. Only the store sets it.
 */
public record RolloutState(String id, AppSpec spec, String stableVersion, String targetVersion, RolloutPhase phase,
                           List<InstanceView> instances, Map<String, Integer> weights,
                           Map<String, Integer> jobShares, String previewVersion, int stepIndex, Instant startedAt,
                           Instant progressAt, Instant stepSince, AnalysisVerdict lastVerdict, Boolean smokePassed,
                           Instant promotedAt, boolean promoteRequested, String abortReason,
                           boolean failedJobsRetried, String reason, int startFailures, String lastStartFailure,
                           Long rollbackTo, Instant now, long generation) {
    public RolloutState {
        if (targetVersion == null || targetVersion.isBlank()) {
            throw new IllegalArgumentException("targetVersion: must not be blank");
        }
        if (targetVersion.equals(stableVersion)) {
            throw new IllegalArgumentException("targetVersion: already the stable version " + stableVersion);
        }
        instances = List.copyOf(instances);
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        jobShares = Collections.unmodifiableMap(new LinkedHashMap<>(jobShares));
    }

    /**
     * A new rollout from {@code stable} (null on a first deploy) to {@code target}, over the instances
     * already running (those of the stable version, normally) which take all traffic until told otherwise.
     */
    public static RolloutState start(String id, AppSpec spec, String stable, String target,
                                     List<InstanceView> running, Instant now) {
        Map<String, Integer> weights = stable == null ? Map.of() : Map.of(stable, 100);
        return new RolloutState(id, spec, stable, target, RolloutPhase.PROGRESSING, running, weights, Map.of(), null,
                0, now, now, now, null, null, null, false, null, false, null, 0, null, null, now, 0);
    }

    /** Instances that still exist (not stopped, not failed). */
    public List<InstanceView> live() {
        return instances.stream().filter(i -> i.state().live()).toList();
    }

    public List<InstanceView> live(String version) {
        return live().stream().filter(i -> i.version().equals(version)).toList();
    }

    public List<InstanceView> ready(String version) {
        return live(version).stream().filter(InstanceView::ready).toList();
    }

    public List<InstanceView> failed() {
        return instances.stream().filter(i -> i.state() == InstanceState.FAILED).toList();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** This state as the store holds it at {@code g}: for {@link RolloutStore} implementations only. */
    public RolloutState atGeneration(long g) {
        return new RolloutState(id, spec, stableVersion, targetVersion, phase, instances, weights, jobShares,
                previewVersion, stepIndex, startedAt, progressAt, stepSince, lastVerdict, smokePassed, promotedAt,
                promoteRequested, abortReason, failedJobsRetried, reason, startFailures, lastStartFailure, rollbackTo, now, g);
    }

    /** Copies a state with some fields changed. */
    public static final class Builder {
        private final RolloutState s;
        private RolloutPhase phase;
        private List<InstanceView> instances;
        private Map<String, Integer> weights;
        private Map<String, Integer> jobShares;
        private String previewVersion;
        private int stepIndex;
        private Instant progressAt;
        private Instant stepSince;
        private AnalysisVerdict lastVerdict;
        private Boolean smokePassed;
        private Instant promotedAt;
        private boolean promoteRequested;
        private String abortReason;
        private boolean failedJobsRetried;
        private String reason;
        private int startFailures;
        private String lastStartFailure;
        private Long rollbackTo;
        private Instant now;

        private Builder(RolloutState s) {
            this.s = s;
            phase = s.phase;
            instances = s.instances;
            weights = s.weights;
            jobShares = s.jobShares;
            previewVersion = s.previewVersion;
            stepIndex = s.stepIndex;
            progressAt = s.progressAt;
            stepSince = s.stepSince;
            lastVerdict = s.lastVerdict;
            smokePassed = s.smokePassed;
            promotedAt = s.promotedAt;
            promoteRequested = s.promoteRequested;
            abortReason = s.abortReason;
            failedJobsRetried = s.failedJobsRetried;
            reason = s.reason;
            startFailures = s.startFailures;
            lastStartFailure = s.lastStartFailure;
            rollbackTo = s.rollbackTo;
            now = s.now;
        }

        public Builder phase(RolloutPhase v) { phase = v; return this; }
        public Builder instances(List<InstanceView> v) { instances = v; return this; }
        public Builder weights(Map<String, Integer> v) { weights = v; return this; }
        public Builder jobShares(Map<String, Integer> v) { jobShares = v; return this; }
        public Builder previewVersion(String v) { previewVersion = v; return this; }
        public Builder stepIndex(int v) { stepIndex = v; return this; }
        public Builder progressAt(Instant v) { progressAt = v; return this; }
        public Builder stepSince(Instant v) { stepSince = v; return this; }
        public Builder lastVerdict(AnalysisVerdict v) { lastVerdict = v; return this; }
        public Builder smokePassed(Boolean v) { smokePassed = v; return this; }
        public Builder promotedAt(Instant v) { promotedAt = v; return this; }
        public Builder promoteRequested(boolean v) { promoteRequested = v; return this; }
        public Builder abortReason(String v) { abortReason = v; return this; }
        public Builder failedJobsRetried(boolean v) { failedJobsRetried = v; return this; }
        public Builder reason(String v) { reason = v; return this; }
        public Builder startFailures(int v) { startFailures = v; return this; }
        public Builder lastStartFailure(String v) { lastStartFailure = v; return this; }
        public Builder rollbackTo(Long v) { rollbackTo = v; return this; }
        public Builder now(Instant v) { now = v; return this; }

        public RolloutState build() {
            return new RolloutState(s.id, s.spec, s.stableVersion, s.targetVersion, phase, instances, weights,
                    jobShares, previewVersion, stepIndex, s.startedAt, progressAt, stepSince, lastVerdict,
                    smokePassed, promotedAt, promoteRequested, abortReason, failedJobsRetried, reason, startFailures,
                    lastStartFailure, rollbackTo, now, s.generation);
        }
    }
}
