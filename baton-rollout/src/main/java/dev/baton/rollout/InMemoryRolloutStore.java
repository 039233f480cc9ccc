package dev.baton.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link RolloutStore} in memory: for tests and for runs that need not survive a restart. */
public final class InMemoryRolloutStore implements RolloutStore {
    private final Map<String, RolloutState> states = new ConcurrentHashMap<>();
    private final List<RolloutEvent> events = new ArrayList<>();
    private final Map<String, Integer> exits = new ConcurrentHashMap<>();

    @Override
    public synchronized RolloutState save(RolloutState state) {
        RolloutState stored = states.get(state.id());
        long current = stored == null ? 0 : stored.generation();
        if (current != state.generation()) {
            throw new StaleRolloutException(state.id(), state.generation(), current);
        }
        RolloutState saved = state.atGeneration(current + 1);
        states.put(state.id(), saved);
        return saved;
    }

    @Override
    public synchronized void append(RolloutEvent event) {
        events.add(event);
    }

    @Override
    public Optional<RolloutState> load(String rolloutId) {
        return Optional.ofNullable(states.get(rolloutId));
    }

    @Override
    public synchronized List<RolloutEvent> events(String rolloutId) {
        return events.stream().filter(e -> e.rolloutId().equals(rolloutId)).toList();
    }

    @Override
    public void recordExit(String rolloutId, Instance instance, int exitCode) {
        exits.put(instance.id(), exitCode);
    }

    /** The exit codes recorded so far, by instance id. */
    public Map<String, Integer> exits() {
        return Map.copyOf(exits);
    }
}
