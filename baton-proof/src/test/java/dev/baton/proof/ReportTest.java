package dev.baton.proof;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RequestSummary requests(long ok, long failed, long unknown) {
        return new RequestSummary(ok + failed + unknown, ok, failed, unknown, 0, 2.0, 9.5, 3.0, 41.25, 40.0, 120.0);
    }

    private static JobCheck jobs(long enqueued, long completed, long duplicated) {
        return new JobCheck(enqueued, completed, enqueued - completed, duplicated, 0, 0, 0, List.of(), List.of());
    }

    private final ScenarioResult rolling = ScenarioResult.builder("rolling").strategy("rolling").version("v2")
            .requests(requests(1000, 0, 0)).jobs(jobs(100, 100, 0)).deployDuration(Duration.ofMillis(12_345))
            .build();
    private final ScenarioResult badCanary = ScenarioResult.builder("canary-bad").strategy("canary").version("v3")
            .requests(requests(990, 10, 0)).jobs(jobs(100, 100, 0)).deployDuration(Duration.ofSeconds(8))
            .rolledBack(Duration.ofMillis(35)).expectRollback(true)
            .toleratingFailedRequests("the canary answers 20% with 500 until analysis rolls it back").build();
    private final ScenarioResult lossy = ScenarioResult.builder("blue-green").strategy("blue-green").version("v4")
            .requests(requests(997, 2, 1)).jobs(jobs(100, 99, 1)).build();

    @Test
    void verdictsFollowTheInvariants() {
        assertThat(rolling.passed()).isTrue();
        assertThat(badCanary.passed()).as("tolerated failures and the expected rollback").isTrue();
        assertThat(badCanary.explanations()).singleElement().asString().contains("tolerated");
        assertThat(lossy.passed()).isFalse();
        assertThat(lossy.violations()).contains("2 request(s) failed", "1 request(s) got no answer in time (unknown)",
                "1 job(s) lost", "1 job(s) completed or applied more than once");
        assertThat(ScenarioResult.builder("x").requests(requests(1, 0, 0)).expectRollback(true).build().violations())
                .containsExactly("expected a rollback, but the deploy was not rolled back");
    }

    @Test
    void demoJsonHasTheDeploysShapeOfIssue5() throws Exception {
        JsonNode root = JSON.readTree(Report.demoJson(List.of(rolling, badCanary, lossy)));

        assertThat(root.get("passed").asBoolean()).isFalse();
        assertThat(root.get("deploys")).hasSize(3);
        JsonNode canary = root.get("deploys").get(1);
        assertThat(canary.get("strategy").asText()).isEqualTo("canary");
        assertThat(canary.get("version").asText()).isEqualTo("v3");
        assertThat(canary.get("rolled_back").isBoolean()).isTrue();
        assertThat(canary.get("rolled_back").asBoolean()).isTrue();
        assertThat(canary.get("requests").get("sent").asLong()).isEqualTo(1000);
        assertThat(canary.get("requests").get("failed").asLong()).isEqualTo(10);
        assertThat(canary.get("requests").get("p99_ms").asDouble()).isEqualTo(41.25);
        for (String field : List.of("enqueued", "completed", "lost", "duplicated")) {
            assertThat(canary.get("jobs").get(field).isIntegralNumber()).as(field).isTrue();
        }
        assertThat(canary.get("deploy_ms").asLong()).isEqualTo(8000);
        assertThat(canary.get("rollback_ms").asLong()).isEqualTo(35);
        assertThat(root.get("deploys").get(0).get("rollback_ms").isNull()).isTrue();
        assertThat(root.get("deploys").get(2).get("jobs").get("lost").asLong()).isOne();
    }

    @Test
    void verifyJsonHasTheScenariosShapeOfIssue6() throws Exception {
        JsonNode root = JSON.readTree(Report.verifyJson(List.of(rolling, lossy)));

        assertThat(root.get("passed").asBoolean()).isFalse();
        JsonNode s = root.get("scenarios").get(1);
        assertThat(s.get("name").asText()).isEqualTo("blue-green");
        assertThat(s.get("passed").asBoolean()).isFalse();
        assertThat(s.get("requests").get("sent").asLong()).isEqualTo(1000);
        assertThat(s.get("requests").get("ok").asLong()).isEqualTo(997);
        assertThat(s.get("requests").get("failed").asLong()).isEqualTo(2);
        assertThat(s.get("requests").get("unknown").asLong()).isEqualTo(1);
        assertThat(s.get("jobs").get("enqueued").asLong()).isEqualTo(100);
        assertThat(s.get("jobs").get("completed").asLong()).isEqualTo(99);
        assertThat(s.get("jobs").get("lost").asLong()).isEqualTo(1);
        assertThat(s.get("jobs").get("duplicated").asLong()).isEqualTo(1);
        assertThat(s.get("latency_ms").get("p50_outside").asDouble()).isEqualTo(2.0);
        assertThat(s.get("latency_ms").get("p99_during").asDouble()).isEqualTo(41.25);
        assertThat(s.get("violations")).isNotEmpty();
        assertThat(root.get("scenarios").get(0).get("passed").asBoolean()).isTrue();
    }

    @Test
    void tablesAlignTheirColumnsAndListEachViolation() {
        String table = Report.verifyTable(List.of(rolling, lossy));
        List<String> lines = table.lines().toList();

        assertThat(lines.get(0)).startsWith("scenario").contains("p99 during");
        int column = lines.get(0).indexOf("passed");
        assertThat(lines.get(2).substring(column)).startsWith("yes");
        assertThat(lines.get(3).substring(column)).startsWith("NO");
        assertThat(table).contains("blue-green: FAILED: 1 job(s) lost");

        String demo = Report.demoTable(List.of(rolling, badCanary));
        assertThat(demo).contains("12.3 s").contains("35 ms").contains("41.3 ms");
    }
}
