package dev.baton.rollout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The controller's hold on the traffic proxy (the server implements it over the proxy's admin API). */
public interface TrafficControl {
    /** Replaces the ready backends of every version at once; versions absent here have none. */
    void setRoutes(Map<String, List<InstanceAddress>> backendsByVersion);

    /** Replaces the traffic split: percent per version, summing to 100. Applied atomically. */
    void setWeights(Map<String, Integer> percentByVersion);

    /** Serves {@code version} on the preview listener, or nothing when null. */
    void setPreview(String version);

    /** Stops routing new requests to the backend and stops reusing its keep-alive connections. Idempotent. */
    void drain(InstanceAddress backend);

    /** Waits until the backend has no request in flight; false when {@code timeout} passed first. */
    boolean awaitIdle(InstanceAddress backend, Duration timeout);

    /** HTTP counters per version, cumulative since the proxy began routing to it; windows are differences. */
    Map<String, HttpCounters> metrics();
}
