package dev.baton.server;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.queue.Database;
import dev.baton.common.DatabaseConfig;
import dev.baton.postgres.EmbeddedDatabase;
import dev.baton.queue.JobCommands;
import dev.baton.queue.JobQueue;
import dev.baton.common.PrivateFiles;
import dev.baton.queue.LeaderLease;
import dev.baton.queue.LeaderTerm;
import dev.baton.queue.QueueConfig;
import dev.baton.queue.QueuePauses;
import dev.baton.queue.QueueSchema;
import dev.baton.queue.WriteFence;
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
 *
 * <p>Only the leader drives rollouts and supervision. With the embedded database this control plane is the
 * leader by construction (the database belongs to its home, and one control plane runs per home); on an external
 * database several may run, each on its own home, and a {@link LeaderElection} picks one: the others are standbys
 * that answer reads, refuse steering with a 503 naming the leader, and take over (adopt the instances, resume the
 * rollout) when the leader's lease lapses. Every steering write of a leader is fenced by its term.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);
    /** The step name of the events {@link #recordCommand} writes. */
    static final String DASHBOARD_STEP = "dashboard";

    /** How long a leader's lease runs without renewal: a standby takes over within about this much of its death. */
    static final Duration LEADER_LEASE = Duration.ofSeconds(5);
    /** The name of the election in {@code baton_leadership}: one leader per database. */
    static final String ELECTION = "control-plane";

    private final ControlPlaneOptions options;
    private final EmbeddedDatabase embedded;
    private final DatabaseConfig db;
    private final HikariDataSource ds;
    private final JobQueue queue;
    /** Unfenced: for reads. A leader writes through {@link #deployments}' store, fenced by its term. */
    private final JdbcRolloutStore store;
    /** The proxy process beside this control plane; null with {@link ProxyFleetMode#KUBERNETES}. */
    private final ProxyProcess proxy;
    /** The install's proxy pods; null with {@link ProxyFleetMode#LOCAL}. */
    private final InClusterProxies proxyPods;
    private final ProxyTrafficControl traffic;
    private final ServerMetrics metrics;
    private final JobCommands jobCommands;
    private final HomeLock lock;
    /** Null with the embedded database: then this control plane always leads. */
    private LeaderElection election;
    private ApiServer api;
    private volatile boolean closed;
    /** Lead and step down, one at a time. */
    private final Object terms = new Object();
    /** The spec the next term starts with (the one applied last). */
    private volatile AppSpec spec;
    /** While this control plane leads: what drives, and the queue pauses written under its term; else null. */
    private volatile Deployments deployments;
    private volatile QueuePauses queuePauses;

    private ControlPlane(ControlPlaneOptions options, EmbeddedDatabase embedded, DatabaseConfig db, HikariDataSource ds,
                         JobQueue queue, JdbcRolloutStore store, ProxyProcess proxy, InClusterProxies proxyPods,
                         ProxyTrafficControl traffic, AppSpec spec, HomeLock lock) {
        this.options = options;
        this.lock = lock;
        this.embedded = embedded;
        this.db = db;
        this.ds = ds;
        this.queue = queue;
        this.store = store;
        this.proxy = proxy;
        this.proxyPods = proxyPods;
        this.traffic = traffic;
        this.spec = spec;
        this.metrics = new ServerMetrics(this);
        this.jobCommands = new JobCommands(ds, options.clock());
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
            boolean localProxy = options.proxyFleet() == ProxyFleetMode.LOCAL;
            if (localProxy && options.spec() != null && !ProxyProcess.runningFor(home)) {
                AppSpec given = options.spec().spec();
                Ports.requireFree("listen", options.listenHost(), given.listen());
                if (given.strategy() instanceof BlueGreenSpec bg && bg.preview() != null) {
                    Ports.requireFree("strategy.preview", options.listenHost(), bg.preview());
                }
            }
            if (options.apiPort() != 0) {
                Ports.requireFree("--api-port", options.apiHost(), options.apiPort());
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
            AppSpec driven = options.kubernetes() == null ? spec : options.kubernetes().apply(spec);
            ProxyProcess proxy = null;
            InClusterProxies proxyPods = null;
            ProxyTrafficControl traffic;
            if (localProxy) {
                Integer previewPort = spec.strategy() instanceof BlueGreenSpec bg ? bg.preview() : null;
                ProxyProcess started = ProxyProcess.startOrAdopt(home, options.listenHost(), spec.listen(), previewPort,
                        spec.web().trustedProxies(), spec.drain().timeout(),
                        spec.web().readiness());
                if (!started.adopted()) {
                    undo.add("stop the proxy", () -> started.stop(Duration.ofSeconds(10)));
                }
                proxy = started;
                traffic = new ProxyTrafficControl(started.admin(), started.listenHost(), started.previewPort(),
                        spec.web().pin());
            } else {
                // No proxy here: the install's proxy pods, which get tables only from the leader. Their preview
                // listeners are not driven yet: a preview version is smoke-checked on its pods directly.
                InClusterProxies pods = InClusterProxies.connect(options.kubernetes(), driven, home);
                undo.add("stop watching the proxy pods", pods::close);
                proxyPods = pods;
                traffic = new ProxyTrafficControl(pods.fleet(), options.listenHost(), null, spec.web().pin());
            }
            ControlPlane cp = new ControlPlane(options, embedded, db, ds, queue, store, proxy, proxyPods, traffic,
                    driven, lock);
            undo.add("stop the rollouts", () -> cp.stepDown("the start failed"));
            cp.api = new ApiServer(cp, home.apiToken(), options.apiHost(), options.apiPort()).start();
            undo.add("stop the REST API", cp.api::close);
            if (embedded != null) {
                cp.writeApiFile();
                cp.lead(null);
            } else {
                LeaderLease lease = new LeaderLease(ds, ELECTION, LEADER_LEASE);
                cp.election = new LeaderElection(lease, holderName(home), options.clock(), LEADER_LEASE.dividedBy(5),
                        new LeaderElection.Listener() {
                            @Override
                            public void lead(LeaderTerm term) {
                                cp.lead(term);
                            }

                            @Override
                            public void stepDown(LeaderTerm term, String why) {
                                cp.stepDown(why);
                            }
                        });
                undo.add("stop the leader election", cp.election::close);
                cp.election.start();
                cp.writeApiFile(); // after the first turn: a client finds a leader already leading, or a standby
            }
            log.info("control plane up as {}: API on {}:{}, traffic on {}", cp.deployments != null ? "leader"
                    : "standby", cp.api.host(), cp.api.port(), proxyPods == null ? options.listenHost() + ":" + proxy.trafficPort()
                    : "the proxy pods of namespace " + proxyPods.namespace() + ", port " + proxyPods.trafficPort());
            return cp;
        } catch (RuntimeException e) {
            undo.run(e);
            throw e;
        }
    }

    /**
     * This control plane's name in the election: its host (the pod's name on Kubernetes) and its home. One control
     * plane runs per home ({@link HomeLock}), so a control plane restarted on its home retakes its lease at once
     * instead of waiting for it to lapse.
     */
    private static String holderName(BatonHome home) {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
        }
        return host + ":" + home.dir().toAbsolutePath().normalize();
    }

    private void writeApiFile() {
        BatonHome.writeAtomically(options.home().apiFile(), Json.write(Map.of("host", api.host(), "port", api.port(),
                "pid", ProcessHandle.current().pid())));
    }

    /**
     * Starts driving under {@code term} (null: the embedded database, no election): new drivers, rollout store and
     * queue writes fenced by the term, then the restart path: resume the unfinished rollout or adopt the fleet.
     */
    private void lead(LeaderTerm term) {
        synchronized (terms) {
            if (closed) {
                return; // a takeover decided just before the control plane began to stop
            }
            WriteFence fence = term == null ? WriteFence.NONE : election.fence(term);
            if (proxyPods != null && term != null) {
                proxyPods.fleet().steerUnder(term.term());
            }
            AppSpec s = spec;
            InstanceDrivers drivers = options.kubernetes() == null
                    ? new LocalInstanceDrivers(s, options.home(), db, options.clock(), options.instancePorts())
                    : new KubernetesInstanceDrivers(options.kubernetes().connect(), s, db, options.clock());
            Deployments d = new Deployments(store.fencedBy(fence), traffic, queue, fence, options.clock(), s, drivers);
            queuePauses = new QueuePauses(ds, options.clock(), fence);
            deployments = d;
            try {
                boolean deployedBefore = d.recover();
                if (!deployedBefore && options.versionToStart() != null) {
                    d.deploy(DeployRequest.of(options.versionToStart()));
                }
            } catch (RuntimeException e) {
                stepDown("taking over failed: " + e.getMessage());
                throw e;
            }
        }
    }

    /** Stops driving (bounded); the instances keep running and the next leader adopts them. Idempotent. */
    private void stepDown(String why) {
        synchronized (terms) {
            Deployments d = deployments;
            deployments = null;
            queuePauses = null;
            if (d != null) {
                spec = d.spec();
                d.close(Duration.ofSeconds(10));
                d.drivers().close();
                if (proxyPods != null) {
                    proxyPods.forget(); // a standby's fleet holds no table and pushes nothing
                }
                log.info("stopped driving ({}); the instances keep running", why);
            }
        }
    }

    /** What drives, while this control plane leads; else a 503 naming the leader. */
    private Deployments leading() {
        Deployments d = deployments;
        if (d == null) {
            throw notLeading();
        }
        return d;
    }

    /** Refuses a steering request unless this control plane leads (a 503 naming the leader). */
    void requireLeader() {
        leading();
    }

    private ApiException notLeading() {
        return new ApiException(503, "standby: this control plane does not lead; the leader is "
                + Optional.ofNullable(leadership().leader()).orElse("being elected, try again in a few seconds"));
    }

    /** The rollout this control plane is carrying out, if it leads and one is. */
    private Optional<ActiveRollout> active() {
        Deployments d = deployments;
        return d == null ? Optional.empty() : d.active();
    }

    /** This control plane's role in the election, its term, its name, and who leads. */
    public StatusView.Leader leadership() {
        if (election == null) {
            return new StatusView.Leader(closed ? "stopped" : "leader", null, null, null);
        }
        Leadership l = election.state();
        return new StatusView.Leader(l.leads() && deployments != null ? "leader" : "standby",
                l.term() == null ? null : l.term().term(), election.holder(), l.leader());
    }

    /** Turns of the leader election that failed (the database out of reach, a takeover that threw); 0 without one. */
    long electionFailures() {
        return election == null ? 0 : election.failedTurns();
    }

    /** Starts a rollout; returns its id at once. */
    public String deploy(DeployRequest request) {
        return leading().deploy(request);
    }

    /** Waits for a rollout started or resumed by this control plane to end; returns its final state. */
    public RolloutState awaitOutcome(String rolloutId, Duration timeout) throws InterruptedException, TimeoutException {
        var future = leading().outcome(rolloutId).orElseThrow(() -> ApiException.notFound(
                "rollout: " + rolloutId + " is not running in this control plane"));
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rollout " + rolloutId + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Ends a canary's pause or swaps a blue-green waiting for promotion; a rolling rollout has nothing to promote. */
    public void promote() {
        var engine = leading().require().engine();
        if (engine.current().spec().strategy().type().equals("rolling")) {
            throw ApiException.conflict("nothing to promote: a rolling rollout has no pause or swap to end");
        }
        engine.promote();
    }

    public void pause() { leading().pause(true); }
    public void resume() { leading().pause(false); }
    public void abort(String reason) { leading().require().engine().abort(reason); }

    /** Takes {@code spec} for the next deploys (unless {@code dryRun}); returns the changes. See {@link Deployments#apply}. */
    public List<String> apply(AppSpec spec, boolean dryRun) {
        return leading().apply(spec, dryRun);
    }

    /** Aborts the rollout in progress, or redeploys the version of {@code revision} (null: the previous one). */
    public String rollback(Long revision) {
        return leading().rollback(revision);
    }

    /** The whole picture: stable version, proxy, current or last rollout, instances. */
    public StatusView.Status status() {
        Deployments d = deployments;
        StatusView.Rollout rollout = currentRollout().orElse(null);
        StatusView.Proxy proxyView = proxyPods == null
                ? new StatusView.Proxy(proxy.pid(), proxy.trafficPort(), proxy.adminPort(), proxy.previewPort(),
                        proxy.adopted(), null)
                : new StatusView.Proxy(0, proxyPods.trafficPort(), proxyPods.adminPort(), null, false,
                        proxyPods.fleet().states().entrySet().stream().map(e -> new StatusView.ProxyReplica(e.getKey(),
                                e.getValue().name())).toList());
        List<StatusView.Event> supervisionEvents = rollout == null ? List.of() : recentSupervision(rollout.id());
        if (d == null) {
            // A standby: what the store says, as the leader recorded it.
            Optional<JdbcRolloutStore.Stored> last = store.latest();
            String stable = last.map(l -> l.state().phase() == dev.baton.rollout.RolloutPhase.SUCCEEDED
                    ? l.state().targetVersion() : l.state().stableVersion()).orElse(null);
            List<InstanceView> recorded = last.map(l -> l.state().live()).orElse(List.of());
            return new StatusView.Status(spec.app(), stable, proxyView, rollout,
                    recorded.stream().map(StatusView.Instance::of).toList(), List.of(), supervisionEvents, leadership());
        }
        List<InstanceView> instances = d.active().map(a -> a.engine().current()).map(RolloutState::instances)
                .orElse(d.fleet());
        return new StatusView.Status(d.spec().app(), d.stableVersion(), proxyView, rollout,
                instances.stream().map(StatusView.Instance::of).toList(),
                d.supervision().stream().map(StatusView.Slot::of).toList(), supervisionEvents, leadership());
    }

    /** The newest supervision events (crashes, restarts) recorded under the last rollout, oldest first. */
    private List<StatusView.Event> recentSupervision(String rolloutId) {
        List<StatusView.Event> all = store.events(rolloutId).stream()
                .filter(e -> e.kind() == RolloutEvent.Kind.SUPERVISION).map(StatusView.Event::of).toList();
        return all.subList(Math.max(0, all.size() - 10), all.size());
    }

    private Optional<StatusView.Rollout> currentRollout() {
        Optional<ActiveRollout> a = active();
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
        RolloutState state = active().filter(a -> a.id().equals(id)).map(a -> a.engine().current())
                .orElse(s.state());
        boolean paused = active().filter(a -> a.id().equals(id)).map(a -> a.engine().paused())
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
     * {@code dashboard}), written under this control plane's term, and in the log; with no rollout yet, in the log
     * only. A 503 naming the leader on a standby.
     */
    void recordCommand(String what, String who) {
        log.info("{} by {}", what, who);
        JdbcRolloutStore fenced = leading().store();
        fenced.latest().ifPresent(s -> fenced.append(new RolloutEvent(s.id(), options.clock().instant(),
                RolloutEvent.Kind.COMMAND, DASHBOARD_STEP, what + " by " + who)));
    }

    /** A rollout with its instances and events. */
    public Optional<StatusView.RolloutDetail> rolloutDetail(String id) {
        return rollout(id).map(r -> {
            RolloutState state = active().filter(a -> a.id().equals(id)).map(a -> a.engine().current())
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
        return leading().drivers().logs(instanceId, lines);
    }

    public JobQueue queue() { return queue; }
    public JobCommands jobCommands() { return jobCommands; }
    /** The queue pauses, written under this control plane's term; a 503 naming the leader on a standby. */
    public QueuePauses queuePauses() {
        QueuePauses p = queuePauses;
        if (p == null) {
            throw notLeading();
        }
        return p;
    }

    /** The paused queues (a read: a standby answers it too). */
    public List<QueuePauses.Paused> pausedQueues() {
        return new QueuePauses(ds, options.clock()).paused();
    }
    public BatonHome home() { return options.home(); }
    java.time.Clock clock() { return options.clock(); }
    /** The proxies this control plane drives (a standby's carry no routes of its own until it leads). */
    ProxyTrafficControl traffic() { return traffic; }
    public int apiPort() { return api.port(); }
    /** The port the proxy serves traffic on: the local proxy's, or the one every proxy pod listens on (its pod IP). */
    public int trafficPort() { return proxyPods == null ? proxy.trafficPort() : proxyPods.trafficPort(); }
    /** The local proxy's pid; 0 when this control plane drives proxy pods and runs no proxy process. */
    public long proxyPid() { return proxy == null ? 0 : proxy.pid(); }
    /** What drives while this control plane leads; empty on a standby. */
    Optional<Deployments> deployments() { return Optional.ofNullable(deployments); }
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
        if (election != null) {
            election.close();
        }
        stepDown("the control plane is stopping");
        if (election != null) {
            election.release(); // after driving stopped: a standby takes over at once
        }
        if (proxyPods != null) {
            proxyPods.close(); // the pods keep serving the last table; the next leader drives them
        }
        ds.close();
        log.info("control plane stopped; the proxy and the instances keep running");
    }

    /**
     * Stops everything: the rollout in progress, every instance (out of routing, in-flight requests finish,
     * SIGTERM, SIGKILL after the grace period), the proxy, and the embedded database if it is ours.
     */
    public synchronized void shutdownEverything(Duration grace) {
        Deployments deployments = leading();
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
        if (proxy != null) {
            proxy.stop(grace); // proxy pods belong to the install's Deployment: they stay
        }
        stopControlPlane();
        if (embedded != null) {
            embedded.close();
        }
        lock.close();
        log.info("everything stopped");
    }
}
