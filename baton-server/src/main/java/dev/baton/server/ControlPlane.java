package dev.baton.server;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.queue.Database;
import dev.baton.queue.DatabaseConfig;
import dev.baton.queue.EmbeddedDatabase;
import dev.baton.queue.JobCommands;
import dev.baton.queue.JobQueue;
import dev.baton.queue.PrivateFiles;
import dev.baton.queue.QueueConfig;
import dev.baton.queue.QueuePauses;
import dev.baton.queue.QueueSchema;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.BlueGreenSpec;
import dev.baton.rollout.InstanceDriver;
import dev.baton.rollout.InstanceView;
import dev.baton.rollout.JdbcRolloutStore;
import dev.baton.rollout.RolloutEvent;
import dev.baton.rollout.RolloutState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane, in process: PostgreSQL (embedded unless given), the queue schema, the proxy as its own
 * process (started or adopted), the rollouts (resumed after a restart), the REST API and metrics. This is the
 * API {@code baton up}, the demo and the tests use:
 *
 * <pre>
 * try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.of(home, SpecFile.load(spec)))) {
 *     String id = cp.deploy(DeployRequest.of("v2"));
 *     RolloutState end = cp.awaitOutcome(id, Duration.ofMinutes(5));
 * }
 * </pre>
 *
 * {@link #close()} stops the control plane only: the proxy, the instances and the embedded database keep
 * running (the data plane), and a control plane started again on the same home adopts them and resumes the
 * rollout in progress. {@link #shutdownEverything(Duration)} stops the data plane too.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);
    /** The step name of the events {@link #recordCommand} writes. */
    static final String DASHBOARD_STEP = "dashboard";

    private final ControlPlaneOptions options;
    private final EmbeddedDatabase embedded;
    private final HikariDataSource ds;
    private final JobQueue queue;
    private final JdbcRolloutStore store;
    private final ProxyProcess proxy;
    private final Deployments deployments;
    private final ServerMetrics metrics;
    private final JobCommands jobCommands;
    private final QueuePauses queuePauses;
    private final HomeLock lock;
    private ApiServer api;
    private volatile boolean closed;

    private ControlPlane(ControlPlaneOptions options, EmbeddedDatabase embedded, HikariDataSource ds, JobQueue queue,
                         JdbcRolloutStore store, ProxyProcess proxy, Deployments deployments, HomeLock lock) {
        this.options = options;
        this.lock = lock;
        this.embedded = embedded;
        this.ds = ds;
        this.queue = queue;
        this.store = store;
        this.proxy = proxy;
        this.deployments = deployments;
        this.metrics = new ServerMetrics(this);
        this.jobCommands = new JobCommands(ds, options.clock());
        this.queuePauses = new QueuePauses(ds, options.clock());
    }

    /**
     * Starts (or restarts) the control plane on {@code options.home()}. Only one control plane runs per home
     * ({@link HomeLock}). What can be checked is checked before anything starts (the proxy's port is free); when
     * a later part fails to start, what this start started is stopped again, and what it adopted is left running.
     *
     * @throws HomeLock.Busy when another control plane runs on this home
     * @throws ApiException (400) when the spec's {@code listen} port is taken by another process
     * @throws IllegalStateException when there is no spec to run (first start without one)
     */
    public static ControlPlane start(ControlPlaneOptions options) {
        BatonHome home = options.home();
        try {
            PrivateFiles.directory(home.dir()); // the owner's only, from the start
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home.dir(), e);
        }
        HomeLock lock = HomeLock.acquire(home);
        StartUndo undo = new StartUndo();
        undo.add("release " + HomeLock.file(home), lock::close);
        try {
            home.apiToken();
            if (options.spec() != null && !ProxyProcess.runningFor(home)) {
                AppSpec given = options.spec().spec();
                Ports.requireFree("listen", options.listenHost(), given.listen());
                if (given.strategy() instanceof BlueGreenSpec bg && bg.preview() != null) {
                    Ports.requireFree("strategy.preview", options.listenHost(), bg.preview());
                }
            }
            if (options.apiPort() != 0) {
                Ports.requireFree("--api-port", "127.0.0.1", options.apiPort());
            }
            EmbeddedDatabase embedded = null;
            DatabaseConfig db = options.database();
            if (db == null) {
                EmbeddedDatabase started = EmbeddedDatabase.startOrAdopt(home.pgDir(), 0, EmbeddedDatabase.Durability.DURABLE);
                if (!started.adopted()) {
                    undo.add("stop the embedded PostgreSQL", started::close);
                }
                embedded = started;
                db = embedded.config();
            }
            log.info("database {}", db.redactedUrl());
            HikariDataSource ds = Database.open(db, 8, "baton-control-plane");
            undo.add("close the database pool", ds::close);
            QueueSchema.migrate(ds);
            JobQueue queue = new JobQueue(ds, QueueConfig.defaults());
            JdbcRolloutStore store = new JdbcRolloutStore(ds);
            AppSpec spec = options.spec() != null ? options.spec().spec()
                    : store.latest().map(s -> s.state().spec()).orElseThrow(() -> new IllegalStateException(
                            "no app spec: the first 'baton up' needs one (baton up spec.yaml)"));
            Integer previewPort = spec.strategy() instanceof BlueGreenSpec bg ? bg.preview() : null;
            ProxyProcess proxy = ProxyProcess.startOrAdopt(home, options.listenHost(), spec.listen(), previewPort,
                    spec.web().trustedProxies(), spec.drain().timeout(),
                    spec.web().readiness());
            if (!proxy.adopted()) {
                undo.add("stop the proxy", () -> proxy.stop(Duration.ofSeconds(10)));
            }
            ProxyTrafficControl traffic = new ProxyTrafficControl(proxy.admin(), proxy.listenHost(), proxy.previewPort(),
                    spec.web().pin());
            InstanceDrivers drivers = options.kubernetes() == null
                    ? new LocalInstanceDrivers(spec, home, db, options.clock(), options.instancePorts())
                    : new KubernetesInstanceDrivers(options.kubernetes().connect(), options.kubernetes().apply(spec), db,
                            options.clock());
            Deployments deployments = new Deployments(store, traffic, queue, options.clock(),
                    options.kubernetes() == null ? spec : options.kubernetes().apply(spec), drivers);
            undo.add("stop the rollouts", () -> deployments.close(Duration.ofSeconds(10)));
            ControlPlane cp = new ControlPlane(options, embedded, ds, queue, store, proxy, deployments, lock);
            cp.api = new ApiServer(cp, home.apiToken(), options.apiPort()).start();
            undo.add("stop the REST API", cp.api::close);
            BatonHome.writeAtomically(home.apiFile(), Json.write(Map.of("host", "127.0.0.1", "port", cp.api.port(),
                    "pid", ProcessHandle.current().pid())));
            boolean deployedBefore = deployments.recover();
            if (!deployedBefore && options.versionToStart() != null) {
                deployments.deploy(DeployRequest.of(options.versionToStart()));
            }
            log.info("control plane up: API on 127.0.0.1:{}, traffic on {}:{}", cp.api.port(), options.listenHost(),
                    proxy.trafficPort());
            return cp;
        } catch (RuntimeException e) {
            undo.run(e);
            throw e;
        }
    }

    /** Starts a rollout; returns its id at once. */
    public String deploy(DeployRequest request) {
        return deployments.deploy(request);
    }

    /** Waits for a rollout started or resumed by this control plane to end; returns its final state. */
    public RolloutState awaitOutcome(String rolloutId, Duration timeout) throws InterruptedException, TimeoutException {
        var future = deployments.outcome(rolloutId).orElseThrow(() -> ApiException.notFound(
                "rollout: " + rolloutId + " is not running in this control plane"));
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rollout " + rolloutId + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Ends a canary's pause or swaps a blue-green waiting for promotion; a rolling rollout has nothing to promote. */
    public void promote() {
        var engine = deployments.require().engine();
        if (engine.current().spec().strategy().type().equals("rolling")) {
            throw ApiException.conflict("nothing to promote: a rolling rollout has no pause or swap to end");
        }
        engine.promote();
    }

    public void pause() { deployments.pause(true); }
    public void resume() { deployments.pause(false); }
    public void abort(String reason) { deployments.require().engine().abort(reason); }

    /** Takes {@code spec} for the next deploys (unless {@code dryRun}); returns the changes. See {@link Deployments#apply}. */
    public List<String> apply(AppSpec spec, boolean dryRun) {
        return deployments.apply(spec, dryRun);
    }

    /** Aborts the rollout in progress, or redeploys the version of {@code revision} (null: the previous one). */
    public String rollback(Long revision) {
        return deployments.rollback(revision);
    }

    /** The whole picture: stable version, proxy, current or last rollout, instances. */
    public StatusView.Status status() {
        StatusView.Rollout rollout = currentRollout().orElse(null);
        List<InstanceView> instances = deployments.active().map(a -> a.engine().current()).map(RolloutState::instances)
                .orElse(deployments.fleet());
        return new StatusView.Status(deployments.spec().app(), deployments.stableVersion(),
                new StatusView.Proxy(proxy.pid(), proxy.trafficPort(), proxy.adminPort(), proxy.previewPort(),
                        proxy.adopted()), rollout,
                instances.stream().map(StatusView.Instance::of).toList(),
                deployments.supervision().stream().map(StatusView.Slot::of).toList(),
                rollout == null ? List.of() : recentSupervision(rollout.id()));
    }

    /** The newest supervision events (crashes, restarts) recorded under the last rollout, oldest first. */
    private List<StatusView.Event> recentSupervision(String rolloutId) {
        List<StatusView.Event> all = store.events(rolloutId).stream()
                .filter(e -> e.kind() == RolloutEvent.Kind.SUPERVISION).map(StatusView.Event::of).toList();
        return all.subList(Math.max(0, all.size() - 10), all.size());
    }

    private Optional<StatusView.Rollout> currentRollout() {
        Optional<ActiveRollout> a = deployments.active();
        if (a.isPresent() && a.get().engine().current() != null) {
            return rollout(a.get().id());
        }
        return store.latest().map(s -> StatusView.Rollout.of(s.state(), s.revision(), s.paused(), waitingFor(s.id()), s.updatedAt()));
    }

    /** One rollout (live if in progress), or empty. */
    public Optional<StatusView.Rollout> rollout(String id) {
        Optional<JdbcRolloutStore.Stored> stored = store.find(id);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        JdbcRolloutStore.Stored s = stored.get();
        RolloutState state = deployments.active().filter(a -> a.id().equals(id)).map(a -> a.engine().current())
                .orElse(s.state());
        boolean paused = deployments.active().filter(a -> a.id().equals(id)).map(a -> a.engine().paused())
                .orElse(s.paused());
        return Optional.of(StatusView.Rollout.of(state == null ? s.state() : state, s.revision(), paused,
                waitingFor(id), s.updatedAt()));
    }

    /** What the rollout waits for when its newest event (other than a dashboard's record) is a wait for an operator, else null. */
    private String waitingFor(String rolloutId) {
        List<RolloutEvent> events = store.events(rolloutId).stream()
                .filter(e -> !e.step().equals(DASHBOARD_STEP)).toList();
        RolloutEvent last = events.isEmpty() ? null : events.getLast();
        return last != null && last.kind() == RolloutEvent.Kind.WAITING ? last.detail() : null;
    }

    /**
     * Records an operator's action and who did it as a {@code COMMAND} event of the newest rollout (step
     * {@code dashboard}), and in the log; with no rollout yet, in the log only.
     */
    void recordCommand(String what, String who) {
        log.info("{} by {}", what, who);
        store.latest().ifPresent(s -> store.append(new RolloutEvent(s.id(), options.clock().instant(),
                RolloutEvent.Kind.COMMAND, DASHBOARD_STEP, what + " by " + who)));
    }

    /** A rollout with its instances and events. */
    public Optional<StatusView.RolloutDetail> rolloutDetail(String id) {
        return rollout(id).map(r -> {
            RolloutState state = deployments.active().filter(a -> a.id().equals(id)).map(a -> a.engine().current())
                    .orElseGet(() -> store.load(id).orElseThrow());
            return new StatusView.RolloutDetail(r, state.instances().stream().map(StatusView.Instance::of).toList(),
                    store.events(id).stream().map(StatusView.Event::of).toList());
        });
    }

    /** The newest rollouts, newest first. */
    public List<StatusView.Rollout> history(int limit) {
        return store.history(limit).stream()
                .map(s -> rollout(s.id()).orElseGet(() -> StatusView.Rollout.of(s.state(), s.revision(), s.paused(), waitingFor(s.id()), s.updatedAt())))
                .toList();
    }

    /** A piece of an instance's log and the byte offset where the next piece starts ({@code baton logs -f}). */
    public record LogChunk(String text, long next) {}

    /** The log's bytes from {@code offset} (up to 1 MiB; from the start when the log was truncated below it). */
    public LogChunk logFrom(String instanceId, long offset) {
        Path file = logFile(instanceId);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            long size = ch.size();
            long from = offset > size || offset < 0 ? 0 : offset;
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(size - from, 1 << 20));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // read on
            }
            return new LogChunk(new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.UTF_8),
                    from + buf.position());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The last {@code lines} lines of an instance's log, and the log's size (where following it starts). */
    public LogChunk logTail(String instanceId, int lines) {
        long size;
        try {
            size = Files.size(logFile(instanceId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log of " + instanceId, e);
        }
        return new LogChunk(String.join("\n", logs(instanceId, lines)) + "\n", size);
    }

    private Path logFile(String instanceId) {
        if (!instanceId.matches("[A-Za-z0-9._-]{1,200}")) {
            throw ApiException.badRequest("instance: must be an instance id such as shop-v2-1, got '" + instanceId + "'");
        }
        Path file = options.home().logsDir().resolve(instanceId + ".log");
        if (!Files.exists(file)) {
            throw ApiException.notFound("instance: no log for '" + instanceId + "'"); // the home's path stays private
        }
        return file;
    }

    /** The last {@code lines} lines of an instance's log (its log file, or the pod log API on Kubernetes). */
    public List<String> logs(String instanceId, int lines) {
        if (!instanceId.matches("[A-Za-z0-9._-]{1,200}")) {
            throw ApiException.badRequest("instance: must be an instance id such as shop-v2-1, got '" + instanceId + "'");
        }
        return deployments.drivers().logs(instanceId, lines);
    }

    public JobQueue queue() { return queue; }
    public JobCommands jobCommands() { return jobCommands; }
    public QueuePauses queuePauses() { return queuePauses; }
    public BatonHome home() { return options.home(); }
    java.time.Clock clock() { return options.clock(); }
    public int apiPort() { return api.port(); }
    public int trafficPort() { return proxy.trafficPort(); }
    public long proxyPid() { return proxy.pid(); }
    Deployments deployments() { return deployments; }
    ServerMetrics metrics() { return metrics; }

    /** Stops the control plane only; the data plane (proxy, instances, embedded database) keeps running. */
    @Override
    public synchronized void close() {
        stopControlPlane();
        lock.close();
    }

    private void stopControlPlane() {
        if (closed) {
            return;
        }
        closed = true;
        if (api != null) {
            api.close();
        }
        deployments.close(Duration.ofSeconds(10));
        deployments.drivers().close();
        ds.close();
        log.info("control plane stopped; the proxy and the instances keep running");
    }

    /**
     * Stops everything: the rollout in progress, every instance (out of routing, in-flight requests finish,
     * SIGTERM, SIGKILL after the grace period), the proxy, and the embedded database if it is ours.
     */
    public synchronized void shutdownEverything(Duration grace) {
        List<InstanceView> live = status().instances().isEmpty() ? List.of()
                : deployments.active().map(a -> a.engine().current().live()).orElse(deployments.fleet());
        deployments.close(Duration.ofSeconds(10));
        AppSpec spec = deployments.spec();
        InstanceDriver driver = deployments.driver(spec);
        List<Thread> stoppers = new ArrayList<>();
        for (InstanceView v : live) {
            stoppers.add(Thread.ofVirtual().start(() -> {
                InstanceDriver.StopOutcome o = driver.stop(v.instance(), grace);
                log.info("stopped {}: {}", v.id(), o);
            }));
        }
        for (var rec : driver.recorded()) {
            if (live.stream().noneMatch(v -> v.id().equals(rec.id()))) {
                stoppers.add(Thread.ofVirtual().start(() -> driver.stop(rec, grace)));
            }
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        proxy.stop(grace);
        stopControlPlane();
        if (embedded != null) {
            embedded.close();
        }
        lock.close();
        log.info("everything stopped");
    }
}
