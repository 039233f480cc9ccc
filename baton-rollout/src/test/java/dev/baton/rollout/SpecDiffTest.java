package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpecDiffTest {
    @Test
    void changesAreListedFieldByFieldInTheSpecsOwnWords() {
        AppSpec before = AppSpec.parse("app: shop\nrun: x {port}\ndrain: { jobs_soft: 20s, jobs_hard: 25s }\n");
        AppSpec after = AppSpec.parse("""
                app: shop
                run: x {port}
                env: { MODE: prod }
                drain: { jobs_soft: 10s, jobs_hard: 25s }
                strategy: { type: blue-green, auto_promote: false }
                """);

        assertThat(SpecDiff.between(before, after)).contains("drain.jobs_soft: 20s → 10s", "env.MODE: (none) → prod",
                "strategy.type: rolling → blue-green", "strategy.auto_promote: (none) → false");
        assertThat(SpecDiff.between(before, before)).isEmpty();
    }
}
