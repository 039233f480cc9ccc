package dev.baton.worker;

import dev.baton.queue.JobQueue;
import dev.baton.queue.WorkerInfo;
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
        Set<Long> ids = inFlight.ids();
        if (!ids.isEmpty()) {
            Set<Long> held = queue.heartbeat(workerId, ids);
            for (Long id : ids) {
                if (!held.contains(id)) {
                    lost(id);
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

    private void lost(long id) {
        for (Execution e : inFlight.get(id)) {
            // Settled (or settling) between the snapshot and the heartbeat: nothing was lost.
            if (e.settlementTaken()) {
                continue;
            }
            log.warn("job {} ({}): lease lost (expired and rescued, or taken over); interrupting its handler, its "
                    + "result will not be recorded", id, e.job().kind());
            e.cancel(CancelReason.LEASE_LOST);
        }
    }
}
