package dev.baton.worker;

import dev.baton.queue.JobQueue;
import dev.baton.queue.Lease;
import dev.baton.queue.WorkerInfo;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One heartbeat: extend the leases of the jobs in flight, cancel the handlers of jobs whose lease is
 * gone, and mark this worker alive in the registry (registering again after an outage, in case the
 * entry was removed meanwhile).
 */
final class Heartbeat implements BackgroundLoop.Body {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final JobQueue queue;
    private final InFlight inFlight;
    private final DatabaseHealth database;
    private final String workerId;
    private final Supplier<WorkerInfo> registration;
    /** The previous pass did not finish (database trouble): register again instead of touching. */
    private boolean lastPassFailed;

    Heartbeat(JobQueue queue, InFlight inFlight, DatabaseHealth database, String workerId,
            Supplier<WorkerInfo> registration) {
        this.queue = queue;
        this.inFlight = inFlight;
        this.database = database;
        this.workerId = workerId;
        this.registration = registration;
    }

    @Override
    public void runOnce() {
        boolean reRegister = lastPassFailed;
        lastPassFailed = true;
        List<Execution> running = inFlight.snapshot();
        if (!running.isEmpty()) {
            Set<Lease> held = queue.heartbeat(workerId, running.stream().map(e -> e.job().lease()).toList());
            for (Execution e : running) {
                if (!held.contains(e.job().lease())) {
                    lost(e);
                }
            }
        }
        if (reRegister) {
            queue.workers().register(registration.get());
        } else {
            queue.workers().touch(workerId);
        }
        database.reachable();
        lastPassFailed = false;
    }

    /**
     * Only this execution's claim is gone. The same job may be running here again under a newer claim
     * (rescued, then claimed by this worker once more); that execution keeps its lease.
     */
    private void lost(Execution e) {
        // Settled (or settling) between the snapshot and the heartbeat: nothing was lost.
        if (e.settlementTaken()) {
            return;
        }
        log.warn("job {} ({}, claim {}): lease lost (rescued or taken over); interrupting its handler, result "
                + "ignored", e.job().id(), e.job().kind(), e.job().fence());
        e.cancel(CancelReason.LEASE_LOST);
    }
}
