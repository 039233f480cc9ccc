package dev.baton.rollout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Starts and stops a version's instances: local processes ({@link LocalProcessDriver}) or Pods
 * ({@code dev.baton.kube.KubernetesDriver} in baton-kube). The removal order is the caller's job: take the instance out of routing and wait until it is
 * idle first; {@link #stop} then sends SIGTERM and SIGKILL only after the grace period.
 */
public interface InstanceDriver {
    /**
     * Starts one instance of {@code version} and returns it STARTING: a local process on a free port at once, a Pod
     * once a node has given it its IP (bounded), since the instance's address is what the proxy routes to.
     */
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

    /**
     * Calls {@code listener} when an instance exits without being stopped: {@code exitCode} is -1 when unknown
     * (adopted processes). Close the registration when the listener's owner is done: drivers share one process
     * table, and a listener left registered keeps its owner reachable for as long as the driver lives.
     */
    Registration onCrash(CrashListener listener);

    /** A registered listener; {@link #close()} unregisters it (idempotent). */
    @FunctionalInterface
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    @FunctionalInterface
    interface CrashListener {
        void crashed(Instance instance, int exitCode);
    }

    /** How a stop ended. */
    enum StopOutcome { ALREADY_STOPPED, EXITED, KILLED }
}
