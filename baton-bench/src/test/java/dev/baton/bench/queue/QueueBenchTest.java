package dev.baton.bench.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.bench.BenchCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The benchmark runs end to end and keeps its output contract; its speed is not asserted. */
@Tag("process")
class QueueBenchTest {

    @Test
    void jsonModePrintsOneObjectWithEveryJobAccountedFor() throws Exception {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out))
                .execute("queue", "--quick", "--json", "--jobs", "300", "--threads", "2", "--rate", "200",
                        "--seconds", "1");

        assertThat(exit).isZero();
        assertThat(out.toString().strip().lines()).hasSize(1);
        JsonNode result = new ObjectMapper().readTree(out.toString());
        assertThat(result.path("benchmark").asText()).isEqualTo("queue");
        assertThat(result.path("machine").path("fsync").asText()).isEqualTo("on");
        assertThat(result.path("machine").path("synchronous_commit").asText()).isEqualTo("on");
        assertThat(result.path("queueJobsPerSecond").asLong()).isPositive();
        assertThat(result.path("floorJobsPerSecond").asLong()).isPositive();
        JsonNode steady = result.path("steady");
        assertThat(steady.path("enqueued").asLong()).isPositive();
        assertThat(steady.path("completed").asLong()).isEqualTo(steady.path("enqueued").asLong());
    }

    @Test
    void aBadOptionIsAUsageErrorNamingTheOption() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err))
                .execute("queue", "--threads", "0");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--threads: must be within 1..64, got 0");
    }
}
