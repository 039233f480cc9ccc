package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {

    private static final Map<String, String> ENV = Map.of(
            "BATON_DATABASE_URL", "postgres://u:secret@db.example:5433/jobs",
            "BATON_WORKER_HANDLERS", "com.example.Handlers");

    @Test
    void argumentsOverrideEnvironmentAndDurationsTakeShortAndIsoForms() {
        WorkerOptions o = WorkerOptions.parse(new String[] {"--version", "v7", "--concurrency=50", "--soft-stop", "1500ms",
                "--hard-stop", "PT3S", "--lease", "2s", "--completion-linger", "20ms", "--health-port", "0", "--queues", "a, b"},
                Map.of("BATON_DATABASE_URL", ENV.get("BATON_DATABASE_URL"), "BATON_WORKER_HANDLERS", "x.Y",
                        "BATON_VERSION", "v1", "BATON_WORKER_CONCURRENCY", "3"));
        assertThat(o.config().version()).isEqualTo("v7");
        assertThat(o.config().concurrency()).isEqualTo(50);
        assertThat(o.config().softStop()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.config().hardStop()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.config().lease()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.config().completionLinger()).isEqualTo(Duration.ofMillis(20));
        assertThat(o.config().queues()).isEqualTo(Set.of("a", "b"));
        assertThat(o.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/jobs");
        assertThat(o.handlers()).isEqualTo("x.Y");
    }

    @Test
    void environmentAloneIsEnough() {
        WorkerOptions o = WorkerOptions.parse(new String[0], ENV);
        assertThat(o.config().version()).isNull();
        assertThat(o.config().concurrency()).isEqualTo(WorkerConfig.defaults().concurrency());
    }

    @Test
    void badOptionsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] {"--concurency", "5"}, ENV))
                .hasMessageStartingWith("unknown option --concurency; allowed: --database-url, --handlers");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] {"--concurrency", "many"}, ENV))
                .hasMessage("concurrency: expected a whole number, got 'many'");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] {"--soft-stop", "soon"}, ENV))
                .hasMessageStartingWith("soft-stop: not a duration");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] {"--completion-linger", "5m"}, ENV))
                .hasMessage("completion-linger: must be within 0ms..1m, got 5m");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] {"--lease"}, ENV))
                .hasMessage("lease: missing value");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[0], Map.of("BATON_WORKER_HANDLERS", "x.Y")))
                .hasMessageStartingWith("database-url: required");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[0], Map.of("BATON_DATABASE_URL", "postgres://h/db")))
                .hasMessageStartingWith("handlers: required");
    }
}
