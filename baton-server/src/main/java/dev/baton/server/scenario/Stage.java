package dev.baton.server.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.proof.DeployWindow;
import dev.baton.proof.HttpLoad;
import dev.baton.proof.HttpLoadConfig;
import dev.baton.proof.HttpLoadResult;
import dev.baton.proof.Invariants;
import dev.baton.proof.JobCheck;
import dev.baton.proof.JobLoad;
import dev.baton.proof.JobLoadConfig;
import dev.baton.proof.JobLoadResult;
import dev.baton.proof.Outcome;
import dev.baton.proof.ScenarioResult;
import dev.baton.queue.Database;
import dev.baton.postgres.EmbeddedDatabase;
import dev.baton.queue.JobQueue;
import dev.baton.queue.QueueConfig;
import dev.baton.server.BatonClient;
import dev.baton.server.BatonHome;
import dev.baton.server.ControlPlaneProcess;
import dev.baton.server.DeployRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The scenario stage behind {@code baton demo}, {@code baton verify} and the end-to-end tests: an embedded
 * durable PostgreSQL, the control plane as a real child process ({@link ControlPlaneProcess}: it can be
 * SIGKILLed and restarted), the proxy and the sample app's instances as the control plane starts them, and
 * open-loop HTTP load through the proxy plus {@code sample.work} job load into the queue.
 *
 * <pre>{@code
 * try (Stage stage = Stage.start(StageOptions.defaults(home, true, System.err))) {
 *     Deploy d = stage.deploy("v2", "rolling", Map.of(), Duration.ofMinutes(3));
 *     ScenarioResult r = stage.finish("rolling", d, false, null);
 * }
 * }</pre>
 * {@link #close()} stops everything it started, the data plane too, even after a failure.
 */
public final class Stage implements AutoCloseable {
    private static final Duration API_TIMEOUT = Duration.ofMinutes(2);

    private final StageOptions options;
    private final PrintStream progress;
    private final BatonHome home;
    private final int listen;
    private EmbeddedDatabase database;
    private HikariDataSource dataSource;
    private ControlPlaneProcess controlPlane;
    private HttpLoad http;
    private JobLoad jobs;
    private HttpLoadResult httpResult;
    private JobLoadResult jobResult;
    private boolean closed;
    private boolean ownLoads = true;

    private Stage(StageOptions options) {
        this.options = options;
        this.progress = options.progress();
        this.home = new BatonHome(options.home().toAbsolutePath());
        this.listen = freePort();
    }

    /** Starts a stage whose canary holds its first step (50%) for the quick or normal pause. */
    public static Stage start(StageOptions o) {
        return start(o, o.quick() ? "6s" : "15s");
    }

    /**
     * Starts everything and waits until {@code initialVersion} serves; the loads are running on return.
     *
     * @param canaryFirstPause the pause of the spec's canary at 50%: a duration like {@code 10s}, or
     *                         {@code forever} (held until promoted)
     */
    public static Stage start(StageOptions o, String canaryFirstPause) {
        Stage s = new Stage(o);
        try {
            s.boot(canaryFirstPause);
            return s;
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        } catch (Exception e) {
            s.close();
            throw new IllegalStateException("the stage did not start: " + e.getMessage(), e);
        }
    }

    private void boot(String canaryFirstPause) throws Exception {
        long t0 = System.nanoTime();
        say("starting PostgreSQL (embedded, durable) under " + home.pgDir());
        database = EmbeddedDatabase.start(home.pgDir(), 0, EmbeddedDatabase.Durability.DURABLE);
        dataSource = Database.open(database.config(), 8, "stage");
        // Under a test runner the JVM's own classpath may be a manifest-only jar; the runner names the real one.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path spec = StageSpec.write(home.dir().resolve("stage.yaml"), options, listen, classpath, canaryFirstPause);
        say("starting the control plane (baton up), the proxy on 127.0.0.1:" + listen + " and "
                + options.instances() + " instances of " + options.initialVersion());
        List<String> up = options.kubernetes() == null ? List.of() : List.of("--kubernetes", "--kubeconfig",
                options.kubernetes().kubeconfig().toString(), "--namespace", options.kubernetes().namespace());
        controlPlane = new ControlPlaneProcess(home, spec, classpath,
                Map.of("BATON_DATABASE_URL", database.config().urlWithCredentials()), up);
        startControlPlane();
        long deadline = System.nanoTime() + API_TIMEOUT.toNanos();
        while (!options.initialVersion().equals(client().status().path("stableVersion").asText(null))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(options.initialVersion() + " did not become ready within "
                        + API_TIMEOUT.toSeconds() + "s; see " + home.logsDir());
            }
            Thread.sleep(250);
        }
        startLoads();
        say(String.format("%s serving after %.1f s; load: %d requests/s through the proxy, %d jobs/s",
                options.initialVersion(), (System.nanoTime() - t0) / 1e9, options.httpRate(), options.jobRate()));
    }

    /** Starts fresh HTTP and job loads (at start, and before a deploy that follows a {@link #finish}). */
    private synchronized void startLoads() {
        httpResult = null;
        jobResult = null;
        http = HttpLoad.start(HttpLoadConfig.of(URI.create("http://127.0.0.1:" + listen + "/hello"), options.httpRate())
                .withProgressEvery(Duration.ZERO), null);
        jobs = JobLoad.start(new JobQueue(dataSource, QueueConfig.defaults()),
                JobLoadConfig.of(options.jobRate(), options.jobDuration().toMillis()).withProgressEvery(Duration.ZERO),
                null);
    }

    /**
     * Deploys {@code version} and waits for the outcome, riding out a control plane restart. The HTTP load
     * marks the deploy's window.
     *
     * @param strategy {@code rolling}, {@code blue-green} (short scale-down delay), {@code canary} (the spec's
     *                 steps and analysis), or a whole strategy section like {@code {type: canary, steps: …}}
     * @param env extra environment for the new version's instances, e.g. {@code SAMPLE_ERROR_RATE=0.3}
     */
    public Deploy deploy(String version, String strategy, Map<String, String> env, Duration timeout)
            throws InterruptedException {
        if (httpResult != null && ownLoads) {
            startLoads();
        }
        String label = strategy.startsWith("{") ? "custom" : strategy;
        DeployWindow.Open window = http.beginDeploy(label + " " + version);
        long t0 = System.nanoTime();
        String section = StageSpec.section(strategy, options.quick());
        DeployRequest req = section == null ? new DeployRequest(version, null, env)
                : new DeployRequest(version, null, env, section);
        say("deploy " + version + " (" + label + (env.isEmpty() ? "" : ", " + env) + ")");
        String id = client().deploy(req);
        JsonNode end = client().awaitOutcome(id, timeout, this::sayEvent);
        DeployWindow w = window.end();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        JsonNode rollout = end.path("rollout");
        String phase = rollout.path("phase").asText();
        boolean rolledBack = phase.equals("ROLLED_BACK");
        Duration rollback = rolledBack ? rollbackDuration(end.path("events")) : null;
        String reason = rollout.path("reason").isNull() ? null : rollout.path("reason").asText(null);
        say(String.format("deploy %s: %s in %.1f s%s", version, phase, took.toMillis() / 1000.0,
                reason == null ? "" : " (" + reason + ")"));
        return new Deploy(version, label, rolledBack, phase, w, took, rollback, reason, id);
    }

    /** From the rollback decision to the rollout's last event. */
    static Duration rollbackDuration(JsonNode events) {
        Instant from = null;
        Instant last = null;
        for (JsonNode e : events) {
            Instant at = instant(e.path("at"));
            if (from == null && e.path("step").asText().equals("Rollback")) {
                from = at;
            }
            last = at;
        }
        return from == null || last == null ? null : Duration.between(from, last);
    }

    static Instant instant(JsonNode at) {
        if (at.isNumber()) {
            double seconds = at.asDouble();
            return Instant.ofEpochSecond((long) seconds, (long) ((seconds - Math.floor(seconds)) * 1e9));
        }
        return Instant.parse(at.asText());
    }

    /** SIGKILL to the control plane's process group; the data plane keeps running. */
    public void killControlPlane() throws InterruptedException {
        say("control plane: SIGKILL (pid " + controlPlane.pid() + ")");
        controlPlane.kill();
    }

    /** Starts the control plane again on the same home (it adopts the data plane and resumes) and waits for its API. */
    public void startControlPlane() throws InterruptedException {
        controlPlane.start().awaitApi(API_TIMEOUT);
    }

    /** The instances the control plane reports now. */
    public List<InstanceInfo> instances() {
        List<InstanceInfo> out = new ArrayList<>();
        for (JsonNode i : client().status().path("instances")) {
            out.add(new InstanceInfo(i.path("id").asText(), i.path("version").asText(), i.path("pid").asLong(),
                    i.path("port").asInt(), i.path("state").asText()));
        }
        return out;
    }

    /** Fast shutdown of the embedded PostgreSQL, then a start on the same data directory and port. */
    public void restartDatabase() {
        int port = database.port();
        say("PostgreSQL: restarting on port " + port);
        database.close();
        database = EmbeddedDatabase.start(home.pgDir(), port, EmbeddedDatabase.Durability.DURABLE);
    }

    public HttpLoad http() { return http; }
    public JobLoad jobs() { return jobs; }
    public DataSource dataSource() { return dataSource; }
    public BatonClient client() { return controlPlane.client(); }
    public BatonHome home() { return home; }
    public int trafficPort() { return listen; }

    /** Stops both loads (idempotent); {@link #finish} judges what they recorded, the next deploy starts new ones. */
    public synchronized void stopLoads() {
        if (httpResult == null) {
            httpResult = http.stop();
            jobResult = jobs.stop();
            say("load stopped: " + httpResult.summary().line() + "; " + jobResult.jobs().size() + " jobs");
        }
    }

    /**
     * Stops the stage's loads for good: deploys no longer start new ones, because the caller drives loads of
     * its own ({@code baton verify} runs a pair per scenario, so each scenario's numbers are its own).
     */
    public synchronized void withoutLoads() {
        stopLoads();
        ownLoads = false;
    }

    /**
     * Stops the loads and judges one deploy: the requests due during its window, the jobs enqueued during it
     * (after waiting for the queue to drain), and whether it was rolled back as expected.
     *
     * @param failuresTolerated why failed requests are expected here (a deliberately bad canary), or null
     */
    public ScenarioResult finish(String name, Deploy d, boolean expectRollback, String failuresTolerated) {
        stopLoads();
        JobCheck check = Invariants.checkJobs(dataSource, jobResult.during(d.window()), Duration.ofSeconds(90), progress);
        ScenarioResult.Builder b = ScenarioResult.builder(name).strategy(d.strategy()).version(d.version())
                .requests(httpResult.summary(d.window())).jobs(check).deployDuration(d.duration())
                .expectRollback(expectRollback);
        if (d.rolledBack()) {
            b.rolledBack(d.rollbackDuration());
            b.explanation("rolled back: " + d.reason());
        }
        if (failuresTolerated != null) {
            // Tolerated means: answered 5xx by the deployed (bad) version itself. Anything else still counts.
            long other = httpResult.during(d.window()).stream().filter(r -> r.outcome() == Outcome.FAILED)
                    .filter(r -> !(r.status() >= 500 && d.version().equals(r.version()))).count();
            if (other > 0) {
                b.violation(other + " failed request(s) were not 5xx answers of " + d.version());
            }
            b.toleratingFailedRequests(failuresTolerated);
        }
        return b.build();
    }

    /** The whole HTTP record, once the loads are stopped. */
    public HttpLoadResult httpResult() {
        stopLoads();
        return httpResult;
    }

    /** Every job enqueued, once the loads are stopped. */
    public JobLoadResult jobResult() {
        stopLoads();
        return jobResult;
    }

    /**
     * Stops everything, each part bounded and even after a failure: the loads, then {@code baton down}
     * (instances drained, proxy, control plane), then whatever is still recorded as running, then PostgreSQL.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (http != null && jobs != null) {
                stopLoads();
            }
        } catch (RuntimeException e) {
            say("stopping the loads: " + e);
        }
        if (controlPlane != null) {
            try {
                if (controlPlane.alive()) {
                    client().post("/v1/shutdown", Map.of());
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (controlPlane.alive() && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                }
            } catch (RuntimeException e) {
                say("baton down: " + e.getMessage() + "; killing what is left");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                controlPlane.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dataSource != null) {
            dataSource.close();
        }
        if (database != null) {
            database.close();
        }
        DataPlaneReaper.reap(home);
        say("stopped everything");
    }

    private void sayEvent(JsonNode e) {
        String kind = e.path("kind").asText();
        if (kind.equals("STEP_STARTED")) {
            return;
        }
        String step = e.path("step").asText();
        if (step.equals("Pause") || step.equals("AwaitReady") && kind.equals("STEP_DONE")
                && e.path("detail").asText().startsWith("0/")) {
            return;
        }
        say("  " + (kind.equals("STEP_FAILED") ? "failed " : "") + step + ": " + e.path("detail").asText());
    }

    private void say(String line) {
        progress.println("stage: " + line);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
