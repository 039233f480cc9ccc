package dev.baton.server;

import dev.baton.rollout.RolloutEngine;
import dev.baton.rollout.RolloutState;
import java.util.concurrent.CompletableFuture;

/** The rollout being carried out: its engine and its outcome once it ends. */
record ActiveRollout(String id, RolloutEngine engine, CompletableFuture<RolloutState> outcome) {
    boolean running() {
        return !outcome.isDone();
    }
}
