package dev.baton.server.verify;

import java.util.Map;

/**
 * A fault a scenario injects into a deploy. Some are a property of the new version (its misbehaviour
 * switches, {@link #versionEnv()}); the others act while the deploy runs ({@link #inject}).
 */
public sealed interface Fault permits WorkerKill, WebKill, SlowRequestsTerm, ErroringCanary, FailingJobsCanary,
        NeverReady, DatabaseRestart, ControlPlaneRestart, LeaderKill, ProxyKill, PodForceDelete {

    FaultKind kind();

    /** Environment for the new version's instances; empty for a healthy version. */
    default Map<String, String> versionEnv() {
        return Map.of();
    }

    /** Whether the deploy must end rolled back. */
    default boolean rollsBack() {
        return false;
    }

    /** Whether the scenario must send slow requests ({@code /slow}), so that some are inside an instance. */
    default boolean needsSlowRequests() {
        return false;
    }

    /**
     * Carries the fault out while the deploy runs, at its moment, and records it in {@code ctx}. Returns
     * false when the deploy ended before the moment came (the scenario then fails: the fault was not tested).
     */
    default boolean inject(FaultContext ctx) throws InterruptedException {
        return true;
    }

    /** The fault of a kind, with the settings {@code baton verify} uses. */
    static Fault of(FaultKind kind) {
        return switch (kind) {
            case WORKER_KILL -> new WorkerKill();
            case WEB_KILL -> new WebKill();
            case SLOW_TERM -> new SlowRequestsTerm();
            case CANARY_ERRORS -> new ErroringCanary(0.2);
            case CANARY_JOB_FAILURES -> new FailingJobsCanary(0.5);
            case NEVER_READY -> new NeverReady();
            case DATABASE_RESTART -> new DatabaseRestart();
            case CONTROL_PLANE_RESTART -> new ControlPlaneRestart(java.time.Duration.ofSeconds(2));
            case LEADER_KILL -> new LeaderKill();
            case PROXY_KILL -> new ProxyKill();
            case POD_FORCE_DELETE -> new PodForceDelete();
        };
    }
}
