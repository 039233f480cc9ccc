package dev.baton.queue;

import java.util.List;

/** The workers that share the queue, as the routing rule and the rescuer see them. */
public interface WorkerRegistry {

    /** Adds the worker, or replaces what was known about it; its last-seen time becomes now. */
    void register(WorkerInfo w);

    /** Last-seen time becomes now. */
    void touch(String workerId);

    void deregister(String workerId);

    /** Workers seen within the configured worker timeout. */
    List<WorkerInfo> live();
}
