package dev.baton.server;

import dev.baton.rollout.RolloutPhase;
import dev.baton.rollout.RolloutState;
import dev.baton.rollout.Step;
import dev.baton.rollout.Strategy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A strategy that holds a progressing rollout while a user has paused it ({@code baton pause}): it answers
 * short pauses instead of the next step until resumed. An abort still goes through, and a rollout that is
 * rolling back is never held.
 */
final class PausableStrategy implements Strategy {
    static final Duration HOLD = Duration.ofSeconds(2);
    private final Strategy delegate;
    private final AtomicBoolean paused;

    PausableStrategy(Strategy delegate, boolean paused) {
        this.delegate = delegate;
        this.paused = new AtomicBoolean(paused);
    }

    void paused(boolean value) {
        paused.set(value);
    }

    boolean paused() {
        return paused.get();
    }

    @Override
    public Step next(RolloutState s) {
        if (paused.get() && s.phase() == RolloutPhase.PROGRESSING && s.abortReason() == null) {
            return new Step.Pause(HOLD, "paused by request");
        }
        return delegate.next(s);
    }
}
