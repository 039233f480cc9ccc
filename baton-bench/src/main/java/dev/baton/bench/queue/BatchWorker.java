package dev.baton.bench.queue;

/** One consumer thread's step: claim a batch and complete it. */
public interface BatchWorker extends AutoCloseable {

    /** Claims up to a batch and completes what it claimed; returns how many jobs it completed (0 = queue empty). */
    int claimAndComplete() throws Exception;

    @Override
    default void close() throws Exception {}
}
