package dev.baton.rollout;

import java.time.Instant;

/** What the analysis concluded at {@code at}, and why (the numbers that decided it). */
public record AnalysisVerdict(Outcome outcome, String reason, Instant at) {
    public enum Outcome { PASS, FAIL, INCONCLUSIVE }

    public boolean failed() {
        return outcome == Outcome.FAIL;
    }
}
