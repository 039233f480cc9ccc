package dev.baton.bench.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.bench.BenchCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmark runs end to end — a worker in this JVM, a worker process stopped by a real SIGTERM —
 * and keeps its output contract; its speed is not asserted.
 */
@Tag("process")
class WorkerBenchTest {

    @Test
    void jsonModePrintsOneObjectWithEveryDrainedJobCompletedOrReleased() throws Exception {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out))
                .execute("worker", "--quick", "--json", "--jobs", "200", "--threads", "2", "--drain-jobs", "4",
                        "--longest-ms", "300");

        assertThat(exit).isZero();
        assertThat(out.toString().strip().lines()).hasSize(1);
        JsonNode result = new ObjectMapper().readTree(out.toString());
        assertThat(result.path("benchmark").asText()).isEqualTo("worker");
        assertThat(result.path("machine").path("fsync").asText()).isEqualTo("on");
        JsonNode throughput = result.path("throughput");
        assertThat(throughput).hasSize(1);
        assertThat(throughput.get(0).path("threads").asInt()).isEqualTo(2);
        assertThat(throughput.get(0).path("workerJobsPerSecond").asLong()).isPositive();
        assertThat(throughput.get(0).path("floorJobsPerSecond").asLong()).isPositive();
        assertThat(throughput.get(0).path("perJobFloorJobsPerSecond").asLong()).isPositive();
        assertThat(throughput.get(0).path("workerToFloor").asDouble()).isPositive();

        JsonNode drains = result.path("drain");
        assertThat(drains).hasSize(2);
        JsonNode soft = drains.get(0);
        assertThat(soft.path("case").asText()).isEqualTo("soft");
        assertThat(soft.path("completed").asInt()).isEqualTo(4);
        assertThat(soft.path("released").asInt()).isZero();
        assertThat(soft.path("exitMs").asLong()).isPositive();
        JsonNode hard = drains.get(1);
        assertThat(hard.path("case").asText()).isEqualTo("hard");
        assertThat(hard.path("completed").asInt()).isEqualTo(2);
        assertThat(hard.path("released").asInt()).isEqualTo(2);
        // Released at the soft deadline, so the exit cannot come before it.
        assertThat(hard.path("exitMs").asLong()).isGreaterThanOrEqualTo(hard.path("softStopMs").asLong());
        assertThat(result.path("idleJvmExitMs")).hasSize(1);
        assertThat(result.path("blockedIoJvmExitMs")).hasSize(1);
        for (JsonNode d : drains) {
            assertThat(d.path("lost").asInt()).isZero();
        }
    }

    @Test
    void aBadOptionIsAUsageErrorNamingTheOption() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err))
                .execute("worker", "--threads", "4,0");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--threads: each must be within 1..64, got 0");
    }
}
