package dev.baton.queue;

/**
 * The result of an enqueue.
 *
 * @param id the job's id
 * @param existing true when a live job with the same unique key already existed and is returned instead
 */
public record Enqueued(long id, boolean existing) {}
