package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What {@code docs/cli.md} documents is reachable: against one real control plane ({@code baton up} in its own
 * JVM, embedded PostgreSQL, the proxy and an instance as processes), every endpoint of the REST API table is
 * called once and every command of the commands table is run once, each answering what the docs promise. The
 * tables are read from the docs, so a documented endpoint or command that this test does not exercise fails it.
 */
@Tag("process")
class DocumentedContractTest extends LiveHomeTest {
    private static final Path CLI_DOC = Path.of("../docs/cli.md");
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(3);
    /** Commands whose run here would only repeat what another test does at length. */
    private static final Map<String, String> RUN_ELSEWHERE = Map.of(
            "up", "started by this test (ControlPlaneProcess runs 'baton up')",
            "demo", "its Stage is driven by DeploysUnderLoadTest; here only its --help",
            "verify", "run by ZeroDowntimeVerificationTest and ZeroDowntimeOnKubernetesTest; here only its --help");

    private BatonHome home;
    private ControlPlaneProcess cp;
    private final Set<String> endpointsCalled = new LinkedHashSet<>();
    private final Set<String> commandsRun = new LinkedHashSet<>();
    private String lastErr = "";
    private String lastOut = "";


    @Test
    void everyDocumentedEndpointAnswersAndEveryDocumentedCommandRuns() throws Exception {
        startControlPlane();

        callEveryEndpoint();
        runEveryCommand();

        assertThat(endpointsCalled).as("endpoints called").containsAll(documentedEndpoints());
        assertThat(commandsRun).as("commands run").containsAll(documentedCommands());
    }

    private void startControlPlane() throws Exception {
        live = new LiveHome("baton-contract-test");
        home = live.home;
        cp = live.controlPlane(live.spec("""
                version: v1
                instances: 1
                drain: { timeout: 2s, jobs_soft: 1s, jobs_hard: 1s }
                strategy: { type: rolling }
                progress_deadline: 30s
                """)).start();
        cp.awaitApi(Duration.ofMinutes(2));
        await().atMost(DEPLOY_TIMEOUT).until(() -> "v1".equals(cp.client().status().path("stableVersion").asText(null)));
    }

    /** Each endpoint of the REST API table, with a body that the docs say it takes; the answer the docs promise. */
    private void callEveryEndpoint() throws Exception {
        assertThat(call("GET /v1/status", "/v1/status", null, 200).path("app").asText()).isEqualTo("shop");
        assertThat(call("GET /metrics", "/metrics", null, 200).path("text").asText()).contains("baton_instances");

        JsonNode deploy = call("POST /v1/deploys", "/v1/deploys", Map.of("version", "v2"), 202);
        String id = deploy.path("id").asText();
        assertThat(cp.client().awaitOutcome(id, DEPLOY_TIMEOUT, e -> { }).path("rollout").path("phase").asText())
                .isEqualTo("SUCCEEDED");
        assertThat(call("GET /v1/rollouts", "/v1/rollouts?limit=5", null, 200).findValuesAsText("id")).contains(id);
        JsonNode detail = call("GET /v1/rollouts/{id}", "/v1/rollouts/" + id, null, 200);
        String instance = detail.path("instances").get(0).path("id").asText();
        assertThat(call("GET /v1/instances/{id}/logs", "/v1/instances/" + instance + "/logs?lines=5", null, 200)
                .path("text").asText()).contains("test app v2");

        // No rollout in progress: the commands that act on one are refused, not unknown.
        for (String command : List.of("promote", "pause", "resume", "abort")) {
            JsonNode refused = call("POST /v1/" + command, "/v1/" + command, Map.of(), 409);
            assertThat(refused.path("error").asText()).contains("no rollout in progress");
        }

        JsonNode job = call("POST /v1/jobs", "/v1/jobs", Map.of("kind", "contract.test", "payload", Map.of("n", 1)), 201);
        assertThat(job.path("id").asLong()).isPositive();
        assertThat(job.path("existing").asBoolean()).isFalse();
        assertThat(call("GET /v1/jobs/stats", "/v1/jobs/stats", null, 200).path("kinds").findValuesAsText("kind"))
                .contains("contract.test");
        long jobId = job.path("id").asLong();
        assertThat(call("GET /v1/jobs", "/v1/jobs?kind=contract.test&state=available&limit=5", null, 200)
                .findValuesAsText("id")).containsExactly(Long.toString(jobId));
        assertThat(call("GET /v1/jobs/{id}", "/v1/jobs/" + jobId, null, 200).path("kind").asText()).isEqualTo("contract.test");
        assertThat(call("POST /v1/jobs/discard", "/v1/jobs/discard", Map.of("ids", List.of(jobId)), 200)
                .path("discarded").asInt()).isEqualTo(1);
        assertThat(call("POST /v1/jobs/retry", "/v1/jobs/retry", Map.of("ids", List.of(jobId)), 200)
                .path("retried").asInt()).isEqualTo(1);

        assertThat(call("POST /v1/jobs/pause", "/v1/jobs/pause", Map.of("queue", "api"), 200).path("changed").asBoolean()).isTrue();
        assertThat(call("POST /v1/jobs/resume", "/v1/jobs/resume", Map.of("queue", "api"), 200).path("changed").asBoolean()).isTrue();

        JsonNode spec = call("POST /v1/spec", "/v1/spec", Map.of("spec", Files.readString(live.dir.resolve("shop.yaml")),
                "dryRun", true), 200);
        assertThat(spec.path("changes")).isEmpty();

        assertThat(call("POST /v1/dashboard/links", "/v1/dashboard/links", Map.of(), 201).path("url").asText())
                .contains("/dashboard/link?secret=");

        JsonNode rollback = call("POST /v1/rollback", "/v1/rollback", Map.of(), 202);
        assertThat(rollback.path("version").asText()).isEqualTo("v1");
        assertThat(cp.client().awaitOutcome(rollback.path("id").asText(), DEPLOY_TIMEOUT, e -> { })
                .path("rollout").path("phase").asText()).isEqualTo("SUCCEEDED");
        // POST /v1/shutdown ends the command run below.
    }

    /** Each command of the commands table, once, as an operator would type it. */
    private void runEveryCommand() throws Exception {
        assertThat(run("status")).isZero();
        assertThat(run("apply", live.dir.resolve("shop.yaml").toString(), "--dry-run")).isZero();
        assertThat(lastOut).contains("no changes");
        assertThat(run("history", "--limit", "5")).isZero();
        assertThat(run("kube", "render", live.dir.resolve("shop.yaml").toString(), "--image", "registry.example/shop:v1"))
                .isZero();
        assertThat(lastOut).contains("kind: Deployment");
        Path kubeSpec = Files.writeString(live.dir.resolve("shop-k8s.yaml"), Files.readString(live.dir.resolve("shop.yaml"))
                + "\nkubernetes: { image: \"registry.example/shop:{version}\" }\n");
        assertThat(run("kube", "install", kubeSpec.toString(), "--namespace", "shop", "--kube-version", "1.20")).isZero();
        assertThat(lastOut).contains("kind: PodDisruptionBudget").contains("apiVersion: policy/v1beta1");
        assertThat(run("jobs")).isZero();
        assertThat(run("jobs", "stats")).isZero();
        assertThat(run("enqueue", "contract.cli", "{\"n\":2}", "--queue", "default", "--unique-key", "k-1")).isZero();
        long jobId = cp.client().post("/v1/jobs", Map.of("kind", "contract.cli", "payload", Map.of(), "unique_key", "k-1"))
                .path("id").asLong();
        assertThat(run("jobs", "discard", Long.toString(jobId), "--reason", "contract")).isZero();
        assertThat(run("jobs", "retry", Long.toString(jobId))).isZero();
        assertThat(run("jobs", "list", "--kind", "contract.cli", "--limit", "5")).isZero();
        assertThat(run("jobs", "show", Long.toString(jobId))).isZero();
        assertThat(lastOut).contains("discarded").contains("contract");
        assertThat(run("jobs", "retry", "999999")).as("an id that was not changed").isEqualTo(BatonCommand.EXIT_REFUSED);
        assertThat(lastErr).contains("job 999999 not changed: no such job");
        String instance = cp.client().status().path("instances").get(0).path("id").asText();
        assertThat(run("logs", instance, "--lines", "5")).isZero();
        assertFollowsTheLog(instance);

        assertThat(run("jobs", "pause", "mail.out", "--reason", "contract")).isZero();

        // A rollout held by a slow start, so that the commands on a rollout in progress act on one.
        assertThat(run("deploy", "v3", "--no-wait", "--env", "TEST_APP_START_DELAY_MS=4000")).isZero();
        assertThat(run("pause")).isZero();
        assertThat(run("resume")).isZero();
        assertThat(run("promote")).as("a rolling deploy has nothing to promote").isEqualTo(BatonCommand.EXIT_REFUSED);
        assertThat(run("abort", "--reason", "contract")).isZero();
        await().atMost(DEPLOY_TIMEOUT).until(() -> cp.client().status().path("rollout").path("phase").asText()
                .equals("ROLLED_BACK"));
        assertThat(run("deploy", "v4")).isZero();
        assertThat(run("rollback")).isZero();
        await().atMost(DEPLOY_TIMEOUT).until(() -> cp.client().status().path("rollout").path("phase").asText()
                .equals("SUCCEEDED") && cp.client().status().path("stableVersion").asText().equals("v1"));
        assertThat(run("demo", "--help")).isZero();
        assertThat(run("verify", "--help")).isZero();
        assertThat(lastOut).contains("--kubernetes");
        assertThat(cp.client().get("/v1/jobs/stats").path("paused").findValuesAsText("queue"))
                .as("a pause outlives deploys and rollbacks").containsExactly("mail.out");
        assertThat(run("jobs", "resume", "mail.out")).isZero();
        assertThat(cp.client().get("/v1/jobs/stats").path("paused")).isEmpty();

        assertThat(run("down")).isZero();
        assertThat(cp.alive()).isFalse();
        assertThat(LifecycleProcessTest.pidsOf(live.dir)).as("left running after 'baton down'").isEmpty();
        commandsRun.addAll(RUN_ELSEWHERE.keySet());

        // The API's own way to stop everything, on a control plane started again.
        cp.start().awaitApi(Duration.ofMinutes(2));
        call("POST /v1/shutdown", "/v1/shutdown", Map.of(), 202);
        await().atMost(Duration.ofMinutes(1)).until(() -> !cp.alive() && LifecycleProcessTest.pidsOf(live.dir).isEmpty());
    }

    /** {@code logs -f} prints the end of the log, then what is written to it later, until interrupted. */
    private void assertFollowsTheLog(String instance) throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        Thread follower = Thread.ofPlatform().start(() -> BatonCommand.execute(new java.io.PrintWriter(out),
                new java.io.PrintWriter(new java.io.StringWriter()), "logs", instance, "-f", "--lines", "1",
                "--home", home.dir().toString()));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("test app"));
            Files.writeString(home.logsDir().resolve(instance + ".log"), "written later\n",
                    java.nio.file.StandardOpenOption.APPEND);
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("written later"));
        } finally {
            follower.interrupt();
            follower.join(10_000);
        }
        commandsRun.add("logs");
        endpointsCalled.add("GET /v1/instances/{id}/logs");
    }

    private JsonNode call(String endpoint, String path, Object body, int expectedStatus) throws IOException, InterruptedException {
        String token = Files.readString(home.tokenFile()).strip();
        int port = Json.MAPPER.readTree(home.apiFile().toFile()).path("port").asInt();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30));
        if (body != null) {
            b.POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).header("Content-Type", "application/json");
        }
        HttpResponse<String> res = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as("%s answered %s", endpoint, res.body()).isEqualTo(expectedStatus);
        endpointsCalled.add(endpoint);
        boolean json = res.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
        return json ? Json.MAPPER.readTree(res.body()) : Json.MAPPER.createObjectNode().put("text", res.body());
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!args[0].equals("demo") && !args[0].equals("kube")) { // these two need no home
            all.addAll(List.of("--home", home.dir().toString()));
        }
        Cli result = Cli.run(all.toArray(String[]::new));
        assertThat(result.err()).as("baton %s wrote a stack trace", String.join(" ", args)).doesNotContain("\tat ");
        commandsRun.add(commandName(String.join(" ", args)));
        lastErr = result.err();
        lastOut = result.out();
        return result.code();
    }

    /** The REST API table of docs/cli.md: "METHOD /path" per endpoint ({@code {id}} for path parameters). */
    static Set<String> documentedEndpoints() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        Pattern code = Pattern.compile("`([^`]+)`");
        for (String row : section("## REST API")) {
            String cell = firstCell(row);
            Matcher m = code.matcher(cell);
            String method = null;
            while (m.find()) {
                String[] parts = m.group(1).split(" ");
                if (parts.length == 2) {
                    method = parts[0];
                }
                out.add(method + " " + parts[parts.length - 1].replaceAll("\\?.*", ""));
            }
        }
        return out;
    }

    /** The commands table of docs/cli.md: each command's name (its leading lowercase words). */
    static Set<String> documentedCommands() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        Pattern code = Pattern.compile("`([^`]+)`");
        for (String row : section("## Commands")) {
            Matcher m = code.matcher(firstCell(row));
            while (m.find()) {
                out.add(commandName(m.group(1)));
            }
        }
        return out;
    }

    /** A Markdown table row's first cell; an escaped pipe inside it (as in {@code rolling\|canary}) is no separator. */
    static String firstCell(String row) {
        return row.split("(?<!\\\\)\\|")[1].replace("\\|", "|");
    }

    private static String commandName(String usage) {
        List<String> words = new ArrayList<>();
        for (String w : usage.split(" ")) {
            if (!w.matches("[a-z][a-z-]*")) {
                break;
            }
            words.add(w);
        }
        return String.join(" ", words);
    }

    /** The rows of the first table after {@code heading}. */
    private static List<String> section(String heading) throws IOException {
        List<String> lines = Files.readAllLines(CLI_DOC);
        int start = lines.indexOf(heading);
        assertThat(start).as("%s in %s", heading, CLI_DOC).isNotNegative();
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("|")) {
                inTable = true;
                if (line.startsWith("| `")) {
                    rows.add(line);
                }
            } else if (inTable) {
                break;
            }
        }
        assertThat(rows).as("rows of the table under %s", heading).isNotEmpty();
        return rows;
    }
}
