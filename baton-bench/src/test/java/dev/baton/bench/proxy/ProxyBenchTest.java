package dev.baton.bench.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.bench.BenchCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The proxy benchmark runs end to end (wrk, HAProxy, a backend JVM and Baton's proxy process) and keeps
 * its output contract; one round of one second without warm-up, so its speed means nothing and is not
 * asserted.
 */
@Tag("process")
class ProxyBenchTest {

    private static final String[] SMOKE = {"proxy", "--quick", "--loads", "get", "--rounds", "1", "--seconds", "1",
            "--warm-up", "0"};

    @Test
    void jsonModePrintsOneObjectWithEveryTargetMeasuredAndTheRatios() throws Exception {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out)).execute(args("--json"));

        assertThat(exit).isZero();
        assertThat(out.toString().strip().lines()).hasSize(1);
        JsonNode result = new ObjectMapper().readTree(out.toString());
        assertThat(result.path("benchmark").asText()).isEqualTo("proxy");
        assertThat(result.path("haproxyVersion").asText()).contains("HAProxy");
        assertThat(result.path("loads")).hasSize(1);
        JsonNode get = result.path("loads").get(0);
        assertThat(get.path("load").asText()).isEqualTo("get");
        for (String target : List.of("direct", "haproxy", "baton")) {
            JsonNode t = get.path("targets").path(target);
            assertThat(t.path("rounds")).as(target).hasSize(1);
            assertThat(t.path("median").path("requestsPerSecond").asDouble()).as(target).isPositive();
            assertThat(t.path("median").path("p99Ms").asDouble()).as(target).isPositive();
            assertThat(t.path("errors").asLong()).as(target).isZero();
        }
        assertThat(get.path("targets").path("haproxy").path("median").path("proxyCpuMicrosPerRequest").asDouble())
                .isPositive();
        assertThat(get.path("targets").path("baton").path("median").path("proxyCpuMicrosPerRequest").asDouble())
                .isPositive();
        assertThat(get.path("targets").path("baton").path("median").path("proxyAllocatedBytesPerRequest").asDouble())
                .as("bytes allocated per request on Baton's event loops").isPositive();
        assertThat(get.path("ratios").path("batonToHaproxyRps").asDouble()).isPositive();
        assertThat(get.path("ratios").path("batonToHaproxyCpuPerRequest").asDouble()).isPositive();
        assertThat(get.path("aimMet").isBoolean()).isTrue();
        assertThat(result.path("batonWarmedUp").asBoolean()).as("no warm-up was asked for").isFalse();
    }

    @Test
    void tableModePrintsEveryRoundTheMediansAndTheRatiosToHaproxy() {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out)).execute(args());

        assertThat(exit).isZero();
        String table = out.toString();
        assertThat(table).startsWith("Proxy benchmark: wrk -t2, 1 interleaved rounds of 1 s");
        assertThat(table).contains("Load get: GET, 64 connections");
        for (String target : List.of("direct", "haproxy", "baton")) {
            assertThat(table).containsPattern("(?m)^1 +" + target + " +\\d+ ");
            assertThat(table).containsPattern("(?m)^median +" + target + " +\\d+ ");
        }
        assertThat(table).containsPattern("get: Baton/HAProxy req/s \\d+\\.\\d\\dx, p99 \\d+\\.\\d\\dx, proxy CPU per "
                + "request \\d+\\.\\d\\dx");
        assertThat(table).contains("Baton's warm-up had not settled");
    }

    @Test
    void aNegativeWarmUpIsAUsageError() {
        int exit = new CommandLine(new BenchCommand()).execute("proxy", "--warm-up", "-1");

        assertThat(exit).isEqualTo(2);
    }

    private static String[] args(String... more) {
        String[] all = new String[SMOKE.length + more.length];
        System.arraycopy(SMOKE, 0, all, 0, SMOKE.length);
        System.arraycopy(more, 0, all, SMOKE.length, more.length);
        return all;
    }
}
