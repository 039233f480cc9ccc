package dev.baton.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleSettingsTest {

    private static SampleSettings parse(Map<String, String> env, String... args) {
        return SampleSettings.parse(args, env);
    }

    @Test
    void optionsWinOverEnvironmentAndDefaultsAreSane() {
        SampleSettings s = parse(Map.of("BATON_PORT", "9000", "BATON_VERSION", "env", "BATON_JOBS_SOFT", "500ms"),
                "--version=v2");

        assertThat(s.port()).isEqualTo(9000);
        assertThat(s.version()).isEqualTo("v2");
        assertThat(s.kinds()).containsExactly(SampleSettings.WORK_KIND);
        assertThat(s.runsWorker()).as("no database, no worker").isFalse();
        assertThat(s.jobsSoft()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.misbehaviour()).isEqualTo(Misbehaviour.none());
    }

    @Test
    void hostComesFromTheOptionOrBatonHostAndMustBeAnAddress() {
        assertThat(parse(Map.of()).host()).isEqualTo("127.0.0.1");
        assertThat(parse(Map.of("BATON_HOST", "10.1.2.3")).host()).isEqualTo("10.1.2.3");
        assertThat(parse(Map.of("BATON_HOST", "10.1.2.3"), "--host", "0.0.0.0").host()).isEqualTo("0.0.0.0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse(Map.of("BATON_HOST", "example.com")))
                .hasMessageStartingWith("host: must be an IP address");
    }

    @Test
    void emptyWorkerKindsMeansNoWorker() {
        SampleSettings s = parse(Map.of("BATON_DATABASE_URL", "postgres://u@localhost/db", "BATON_WORKER_KINDS", ""));

        assertThat(s.database()).isNotNull();
        assertThat(s.runsWorker()).isFalse();
    }

    @Test
    void eachBadValueIsRejectedNamingItsVariableAndRange() {
        assertThatThrownBy(() -> parse(Map.of("SAMPLE_ERROR_RATE", "lots")))
                .hasMessageStartingWith("SAMPLE_ERROR_RATE: ").hasMessageContaining("0..1");
        assertThatThrownBy(() -> parse(Map.of("SAMPLE_JOB_FAIL_RATE", "-0.1")))
                .hasMessageStartingWith("SAMPLE_JOB_FAIL_RATE: ").hasMessageContaining("0..1");
        assertThatThrownBy(() -> parse(Map.of("SAMPLE_LATENCY_MS", "10s")))
                .hasMessageStartingWith("SAMPLE_LATENCY_MS: ").hasMessageContaining("0..3600000");
        assertThatThrownBy(() -> parse(Map.of("SAMPLE_START_DELAY_MS", "-1")))
                .hasMessageStartingWith("SAMPLE_START_DELAY_MS: ");
        assertThatThrownBy(() -> parse(Map.of("SAMPLE_CRASH_AFTER_MS", "0")))
                .hasMessageStartingWith("SAMPLE_CRASH_AFTER_MS: ").hasMessageContaining("1..3600000");
        assertThatThrownBy(() -> parse(Map.of("SAMPLE_JOB_MS", "x")))
                .hasMessageStartingWith("SAMPLE_JOB_MS: ");
        assertThatThrownBy(() -> parse(Map.of("SAMPLE_NEVER_READY", "yes")))
                .hasMessageStartingWith("SAMPLE_NEVER_READY: ").hasMessageContaining("true or false");
        assertThatThrownBy(() -> parse(Map.of("BATON_JOBS_HARD", "soon")))
                .hasMessageStartingWith("BATON_JOBS_HARD: ");
        assertThatThrownBy(() -> parse(Map.of("BATON_JOBS_SOFT", "20s", "BATON_JOBS_HARD", "5s")))
                .hasMessageStartingWith("BATON_JOBS_HARD: must be at least BATON_JOBS_SOFT");
        assertThatThrownBy(() -> parse(Map.of("BATON_WORKER_KINDS", "email.send")))
                .hasMessageStartingWith("BATON_WORKER_KINDS: ").hasMessageContaining("sample.work");
        assertThatThrownBy(() -> parse(Map.of(), "--port", "70000"))
                .hasMessageStartingWith("port: ").hasMessageContaining("0..65535");
        assertThatThrownBy(() -> parse(Map.of(), "--colour", "red"))
                .hasMessageContaining("--colour").hasMessageContaining("--port, --version");
    }
}
