package dev.baton.rollout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Starts and stops a version's instances: local processes now ({@link LocalProcessDriver}), Kubernetes
 * later. The removal order is the caller's job: take the instance out of routing and wait until it is
 * idle first; {@link #stop} then sends SIGTERM and SIGKILL only after the grace period.
 */
public interface InstanceDriver {
    /** Starts one instance of {@code version} on a free port the driver allocates; returns at once (STARTING). */
    Instance start(String version);

    /** STARTING, READY (readiness answered 2xx) or FAILED (gone); never blocks longer than a short probe timeout. */
    InstanceState probe(Instance instance);

    /**
     * Stops an instance: SIGTERM, then SIGKILL if it has not exited after {@code grace}. Idempotent and
     * bounded by {@code grace} plus a few seconds; stopping an instance that is already gone returns
     * {@link StopOutcome#ALREADY_STOPPED}.
     */
    StopOutcome stop(Instance instance, Duration grace);

    /** The instances recorded as running (e.g. by a previous controller), whether or not they still run. */
    List<Instance> recorded();

    /** Takes a recorded instance over again if it still runs (and is the same process); empty when it is gone. */
    Optional<Instance> adopt(Instance recorded);

    /** The last {@code lines} lines of an instance's output, oldest first (empty when the driver keeps none). */
    default List<String> logTail(Instance instance, int lines) {
        return List.of();
    }

    /** Called when an instance exits without being stopped: {@code exitCode} is -1 when unknown (adopted processes). */
    void onCrash(CrashListener listener);

    @FunctionalInterface
    interface CrashListener {
        void crashed(Instance instance, int exitCode);
    }

    /** How a stop ended. */
    enum StopOutcome { ALREADY_STOPPED, EXITED, KILLED }
}
