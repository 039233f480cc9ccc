package dev.baton.queue;

import java.time.Instant;
import java.util.Set;

/**
 * A worker process as registered in the queue.
 *
 * @param version null for an unversioned worker
 * @param kinds the job kinds it has handlers for (used by routing: a job is never stranded)
 * @param startedAt null means "now" on register
 * @param lastSeen set by the registry on register and touch
 */
public record WorkerInfo(String id, String version, String host, long pid, Set<String> kinds, Instant startedAt,
                         Instant lastSeen) {

    public WorkerInfo {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id: must not be empty");
        }
        if (version != null && version.isBlank()) {
            throw new IllegalArgumentException("version: must be null or non-blank");
        }
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
    }
}
