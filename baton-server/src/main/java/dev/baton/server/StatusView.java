package dev.baton.server;

import dev.baton.rollout.AnalysisVerdict;
import dev.baton.rollout.CanarySpec;
import dev.baton.rollout.CanaryStep;
import dev.baton.rollout.RolloutPhase;
import dev.baton.rollout.InstanceView;
import dev.baton.rollout.RolloutEvent;
import dev.baton.rollout.RolloutState;
import dev.baton.rollout.Supervisor;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the REST API answers about the system, as plain values (the JSON shapes of {@code docs/cli.md}). */
public final class StatusView {
    private StatusView() {}

    /** {@code GET /v1/status}. */
    public record Status(String app, String stableVersion, Proxy proxy, Rollout rollout, List<Instance> instances,
                         List<Slot> supervision, List<Event> supervisionEvents, Leader leader) {}

    /**
     * This control plane's part in the leader election: {@code role} is {@code leader} or {@code standby};
     * {@code term} (the fencing token of its writes while it leads), {@code holder} (its name in the election) and
     * {@code leader} (who leads, as far as it knows) are null with the embedded database, where there is no election.
     */
    public record Leader(String role, Long term, String holder, String leader) {}

    /**
     * A supervised slot between rollouts: how often its instance was restarted, how many crashes in a row, the
     * back-off now in force and when the next restart is due (null when none is pending).
     */
    public record Slot(int slot, String instance, int restarts, int crashesInARow, long backoffMs, Instant restartAt,
                       Integer lastExitCode) {
        static Slot of(Supervisor.SlotStatus s) {
            return new Slot(s.slot(), s.instance(), s.restarts(), s.crashesInARow(), s.backoff().toMillis(),
                    s.restartAt(), s.lastExitCode());
        }
    }

    /**
     * The proxy: the local process, or ({@code replicas} not null, {@code pid} 0) the install's proxy pods, each
     * serving {@code trafficPort} on its pod IP; {@code previewPort} is null when it has no preview listener.
     */
    public record Proxy(long pid, int trafficPort, int adminPort, Integer previewPort, boolean adopted,
                        List<ProxyReplica> replicas) {}

    /** A proxy pod as the control plane's fleet sees it: {@code state} SYNCING, SYNCED or UNREACHABLE. */
    public record ProxyReplica(String id, String state) {}

    /**
     * A rollout, live when it is in progress; {@code waiting} says what it waits for when only an operator can
     * move it on (e.g. {@code v2 is on the preview port 8081: waiting for 'baton promote'}), else null;
     * {@code rollbackTo} is the revision a {@code baton rollback} went back to, else null.
     */
    public record Rollout(String id, long revision, String version, String stableVersion, String strategy,
                          String phase, boolean paused, int step, Map<String, Integer> weights,
                          Map<String, Integer> jobShares, String reason, String verdict, String waiting,
                          Long rollbackTo, Progress progress, Instant startedAt, Instant updatedAt) {
        static Rollout of(RolloutState s, long revision, boolean paused, String waiting, Instant updatedAt) {
            AnalysisVerdict v = s.lastVerdict();
            return new Rollout(s.id(), revision, s.targetVersion(), s.stableVersion(), s.spec().strategy().type(),
                    s.phase().name(), paused, s.stepIndex(), s.weights(), s.jobShares(), s.reason(),
                    v == null ? null : v.outcome() + ": " + v.reason(), waiting, s.rollbackTo(),
                    Progress.of(s, paused), s.startedAt(), updatedAt);
        }

        public boolean finished() {
            return phase.equals("SUCCEEDED") || phase.equals("ROLLED_BACK");
        }
    }

    /**
     * Where a rollout in progress stands: the canary step ({@code step} of {@code steps}; 0 steps for the other
     * strategies), the instances of the new version ready of those wanted (by the canary step, or all), when the progress deadline falls (null
     * while paused or once it is no longer progressing), and when the current canary pause ends (null when none runs).
     */
    public record Progress(int step, int steps, int ready, int wanted, Instant deadline, Instant pauseUntil) {
        static Progress of(RolloutState s, boolean paused) {
            if (s.phase().terminal()) {
                return null;
            }
            int steps = 0;
            int wanted = s.spec().instances();
            Instant pauseUntil = null;
            if (s.spec().strategy() instanceof CanarySpec c) {
                steps = c.steps().size();
                if (s.stepIndex() < steps && s.stepSince() != null && s.phase() == RolloutPhase.PROGRESSING) {
                    CanaryStep step = c.steps().get(s.stepIndex());
                    wanted = Math.max(1, (int) Math.ceil(s.spec().instances() * step.weight() / 100.0));
                    Instant end = step.pause().forever() ? null : s.stepSince().plus(step.pause().duration());
                    if (end != null && step.weight() > 0 && step.pause().duration().isPositive() && end.isAfter(s.now())
                            && s.weights().getOrDefault(s.targetVersion(), 0) == step.weight()) {
                        pauseUntil = end;
                    }
                }
            }
            Instant deadline = s.phase() == RolloutPhase.PROGRESSING && !paused
                    ? s.progressAt().plus(s.spec().progressDeadline()) : null;
            String version = s.phase() == RolloutPhase.PROGRESSING || s.stableVersion() == null ? s.targetVersion()
                    : s.stableVersion();
            return new Progress(Math.min(s.stepIndex() + 1, Math.max(steps, 1)), steps, s.ready(version).size(),
                    wanted, deadline, pauseUntil);
        }
    }

    /** A rollout with its history ({@code GET /v1/rollouts/{id}}). */
    public record RolloutDetail(Rollout rollout, List<Instance> instances, List<Event> events) {}

    public record Event(Instant at, String kind, String step, String detail) {
        static Event of(RolloutEvent e) {
            return new Event(e.at(), e.kind().name(), e.step(), e.detail());
        }
    }

    /** An instance as status shows it: {@code pid} -1 for a pod, whose address is {@code host} (its IP). */
    public record Instance(String id, String version, String state, long pid, String host, int port) {
        static Instance of(InstanceView v) {
            return new Instance(v.id(), v.version(), v.state().name(), v.instance().pid(), v.instance().host(),
                    v.instance().port());
        }
    }
}
