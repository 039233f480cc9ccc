package dev.baton.rollout;

import java.util.List;
import java.util.Optional;

/** Where rollouts are kept so a restarted controller can resume them (PostgreSQL in the server). */
public interface RolloutStore {
    /**
     * Replaces the stored state of {@code state.id()}, durable when it returns, and returns it at its new
     * generation: keep saving from the returned state. The save is checked: it succeeds only when the stored
     * rollout is still at {@code state.generation()} (0: not stored yet).
     *
     * @throws StaleRolloutException when another writer saved the rollout since {@code state} was read
     */
    RolloutState save(RolloutState state);

    /** Appends to the rollout's history; durable when it returns. */
    void append(RolloutEvent event);

    Optional<RolloutState> load(String rolloutId);

    List<RolloutEvent> events(String rolloutId);

    /**
     * Records that {@code instance} of {@code rolloutId} exited on its own with {@code exitCode} (-1: unknown): the
     * instance is FAILED, and the record stays after the instance leaves the rollout's state.
     */
    default void recordExit(String rolloutId, Instance instance, int exitCode) {}
}
