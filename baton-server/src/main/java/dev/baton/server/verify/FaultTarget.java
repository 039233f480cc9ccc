package dev.baton.server.verify;

import java.util.List;

/** What faults act on: the running system. The stage implements it; tests may give a fake one. */
public interface FaultTarget {

    /** The instances now. */
    List<InstanceRef> instances();

    /** Requests inside the instance now (from its readiness endpoint), or -1 when it does not answer. */
    int requestsInside(InstanceRef instance);

    /** Jobs the instance's worker holds now (RUNNING under a lease it owns). */
    int jobsHeld(InstanceRef instance);

    /** Sends {@code signal} to the instance's process group. */
    void signal(InstanceRef instance, Signal signal);

    /** Stops PostgreSQL (fast) and starts it again on the same data and port. */
    void restartDatabase();

    /** SIGKILLs the control plane; the data plane keeps running. */
    void killControlPlane();

    /** Starts the control plane again and waits until its API answers; it resumes the rollout. */
    void startControlPlane();
}
