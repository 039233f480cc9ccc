package dev.baton.rollout;

import dev.baton.common.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecSettingsTest {
    private final AppSpec blueGreen = AppSpec.parse(
            "app: shop\nrun: x {port}\nstrategy: { type: blue-green, auto_promote: false }\n");

    @Test
    void singleFieldsChangeByTheirKindAndTheRestStays() {
        AppSpec s = blueGreen.withSettings(Map.of("strategy.auto_promote", "true", "strategy.scale_down_delay", "5s",
                "instances", "3", "env.MODE", "prod", "drain.jobs_soft", "2s"));

        assertThat(((BlueGreenSpec) s.strategy()).autoPromote()).isTrue();
        assertThat(((BlueGreenSpec) s.strategy()).scaleDownDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.instances()).isEqualTo(3);
        assertThat(s.env()).containsEntry("MODE", "prod");
        assertThat(s.drain().jobsSoft()).isEqualTo(Duration.ofSeconds(2));
        assertThat(SpecDiff.between(blueGreen, s)).hasSize(5);
    }

    @Test
    void badSettingsAreAllReportedEachNamingItsPath() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("strategy.auto_promote", "maybe");
        bad.put("strategy.max_surge", "2");
        bad.put("strategy.type", "canary");
        bad.put("instances", "many");
        bad.put("drain.timeout", "soon");

        assertThatThrownBy(() -> blueGreen.withSettings(bad)).isInstanceOfSatisfying(SpecException.class, e ->
                assertThat(e.errors()).containsExactly(
                        "strategy.auto_promote: must be true or false, got 'maybe'",
                        "strategy.max_surge: no such field (--set changes one field of the spec in use)",
                        "strategy.type: the strategy type changes with --strategy or 'baton apply'",
                        "instances: must be a whole number, got 'many'",
                        "drain.timeout: not a duration 'soon'; use " + Durations.ALLOWED));
        assertThatThrownBy(() -> blueGreen.withSettings(Map.of("instances", "0")))
                .isInstanceOfSatisfying(SpecException.class, e ->
                        assertThat(e.errors()).containsExactly("instances: must be 1..100, got 0"));
    }
}
