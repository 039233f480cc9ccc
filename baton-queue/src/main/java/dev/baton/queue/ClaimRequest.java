package dev.baton.queue;

import java.util.Set;

/**
 * What a worker asks for when it claims.
 *
 * @param workerId who holds the lease (non-blank)
 * @param version the worker's version, or null for an unversioned worker
 * @param kinds the job kinds the worker has handlers for (non-empty): it never receives any other kind
 * @param queues the queues to take from; empty means all
 * @param limit how many jobs at most, 1..1000
 */
public record ClaimRequest(String workerId, String version, Set<String> kinds, Set<String> queues, int limit) {

    public ClaimRequest {
        TextFields.name("workerId", workerId, TextFields.MAX_NAME_LENGTH);
        if (version != null && version.isBlank()) {
            throw new IllegalArgumentException("version: must be null or non-blank");
        }
        if (version != null) {
            TextFields.name("version", version, TextFields.MAX_NAME_LENGTH);
        }
        if (kinds == null || kinds.isEmpty()) {
            throw new IllegalArgumentException("kinds: must name at least one job kind");
        }
        if (kinds.stream().anyMatch(k -> k == null || k.isBlank())) {
            throw new IllegalArgumentException("kinds: must not contain an empty kind, got " + kinds);
        }
        kinds.forEach(k -> TextFields.name("kinds", k, TextFields.MAX_NAME_LENGTH));
        kinds = Set.copyOf(kinds);
        queues = queues == null ? Set.of() : Set.copyOf(queues);
        if (queues.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("queues: must not contain an empty queue name, got " + queues);
        }
        queues.forEach(q -> TextFields.name("queues", q, TextFields.MAX_NAME_LENGTH));
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit: must be within 1..1000, got " + limit);
        }
    }
}
