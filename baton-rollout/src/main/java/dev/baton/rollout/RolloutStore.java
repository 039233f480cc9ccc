package dev.baton.rollout;

import java.util.List;
import java.util.Optional;

/** Where rollouts are kept so a restarted controller can resume them (PostgreSQL in the server). */
public interface RolloutStore {
    /** Replaces the stored state of {@code state.id()}; durable when it returns. */
    void save(RolloutState state);

    /** Appends to the rollout's history; durable when it returns. */
    void append(RolloutEvent event);

    Optional<RolloutState> load(String rolloutId);

    List<RolloutEvent> events(String rolloutId);
}
