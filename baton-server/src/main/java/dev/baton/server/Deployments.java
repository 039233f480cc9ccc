package dev.baton.server;

import dev.baton.queue.JobQueue;
import dev.baton.queue.NotLeaderException;
import dev.baton.queue.WriteFence;
import dev.baton.rollout.AppSpec;
import dev.baton.rollout.InstanceAddress;
import dev.baton.rollout.BlueGreenSpec;
import dev.baton.rollout.Instance;
import dev.baton.rollout.InstanceDriver;
import dev.baton.rollout.InstanceView;
import dev.baton.rollout.JdbcRolloutStore;
import dev.baton.rollout.JobShares;
import dev.baton.rollout.RollingSpec;
import dev.baton.rollout.RolloutEngine;
import dev.baton.rollout.RolloutPhase;
import dev.baton.rollout.RolloutPorts;
import dev.baton.rollout.RolloutState;
import dev.baton.rollout.RestartBackoff;
import dev.baton.rollout.SpecException;
import dev.baton.rollout.Strategy;
import dev.baton.rollout.StrategySpec;
import dev.baton.rollout.StaleRolloutException;
import dev.baton.rollout.Supervisor;
import dev.baton.rollout.Waiter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, resumes and commands rollouts, one at a time, each on its own thread through a
 * {@link RolloutEngine}; between rollouts the {@link Supervisor} holds the fleet (the instances the last rollout
 * left running, crashed ones replaced) and the stable version, from which the next rollout starts. Every driver
 * comes from one {@link InstanceDrivers} family (local processes or Pods), so every crash reaches the supervisor (which acts only
 * between rollouts) and the running engine, and a stop by any of them is never taken for a crash.
 */
final class Deployments {
    /** How long a deploy waits for an ended rollout to hand its instances to supervision. */
    private static final Duration HAND_OVER_WAIT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(Deployments.class);
    private static final Duration RESTART_BACKOFF = Duration.ofSeconds(2);

    private final JdbcRolloutStore store;
    private final ProxyTrafficControl traffic;
    private final JobQueue queue;
    private final WriteFence fence;
    private final Clock clock;
    private final InstanceDrivers drivers;
    private final Supervisor supervisor;
    private final AtomicReference<ActiveRollout> active = new AtomicReference<>();
    private final Map<String, CompletableFuture<RolloutState>> outcomes = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    final AtomicLong engineFailures = new AtomicLong();
    private volatile AppSpec spec;
    private volatile String stable;
    /** The spec the stable version was deployed with (its env overrides included): what replacements run. */
    private volatile AppSpec stableSpec;
    private volatile boolean closing;

    /** @param fence what the job shares written to the queue check (the leader's term); the store is fenced too */
    Deployments(JdbcRolloutStore store, ProxyTrafficControl traffic, JobQueue queue, WriteFence fence, Clock clock,
                AppSpec spec, InstanceDrivers drivers) {
        this.store = store;
        this.traffic = traffic;
        this.queue = queue;
        this.fence = fence;
        this.clock = clock;
        this.spec = spec;
        this.stableSpec = spec;
        this.drivers = drivers;
        this.supervisor = new Supervisor(traffic, store, clock, Waiter.onClock(clock, Duration.ofMillis(200)),
                RestartBackoff.DEFAULT);
        drivers.onCrash(supervisor::crashed);
        supervisor.start();
    }

    AppSpec spec() { return spec; }

    String stableVersion() { return stable; }
    List<InstanceView> fleet() { return supervisor.fleet(); }
    List<Supervisor.SlotStatus> supervision() { return supervisor.slots(); }
    Optional<ActiveRollout> active() { return Optional.ofNullable(active.get()).filter(ActiveRollout::running); }

    /**
     * After a (re)start: resumes the unfinished rollout if there is one, else adopts the instances the last
     * rollout left and re-publishes their routes. Returns whether anything was ever deployed here.
     */
    boolean recover() {
        Optional<JdbcRolloutStore.Stored> unfinished = store.unfinished();
        if (unfinished.isPresent()) {
            JdbcRolloutStore.Stored s = unfinished.get();
            log.info("resuming rollout {} (revision {}) of {} at phase {}", s.id(), s.revision(),
                    s.state().targetVersion(), s.state().phase());
            stable = s.state().stableVersion();
            stableSpec = specOf(stable);
            launch(s.state(), true, s.paused());
            return true;
        }
        Optional<JdbcRolloutStore.Stored> latest = store.latest();
        if (latest.isEmpty()) {
            return false;
        }
        RolloutState last = latest.get().state();
        stable = last.phase() == RolloutPhase.SUCCEEDED ? last.targetVersion() : last.stableVersion();
        stableSpec = specOf(stable);
        InstanceDriver driver = driver(stableSpec);
        List<InstanceView> adopted = new ArrayList<>();
        List<InstanceView> gone = new ArrayList<>();
        // Adoption first: only an instance whose process is gone is replaced.
        for (InstanceView v : last.live()) {
            Optional<Instance> i = driver.adopt(v.instance());
            if (i.isPresent()) {
                adopted.add(v);
            } else {
                log.warn("instance {} died while the control plane was down; supervision replaces it", v.id());
                gone.add(v);
            }
        }
        stopUnrecorded(driver, last);
        publishFleet(adopted);
        log.info("adopted {} of {} instances of {}", adopted.size(), last.live().size(), stable);
        supervisor.takeOver(last, stable, adopted, gone, driver);
        return true;
    }

    /**
     * A process started just before the control plane died (a supervision restart) may never have been
     * recorded in the rollout; supervision replaces what the record lacks, so such a process is surplus. It is
     * stopped rather than left running unmanaged (an unmanaged worker keeps claiming jobs).
     */
    private void stopUnrecorded(InstanceDriver driver, RolloutState last) {
        Set<String> known = new HashSet<>();
        last.instances().forEach(v -> known.add(v.id()));
        for (Instance r : driver.recorded()) {
            if (!known.contains(r.id())) {
                driver.adopt(r).ifPresent(i -> {
                    log.warn("instance {} runs but was never recorded; stopping it", i.id());
                    driver.stop(i, stableSpec.drain().killAfter());
                });
            }
        }
    }

    private void publishFleet(List<InstanceView> fleet) {
        Map<String, List<InstanceAddress>> routes = new TreeMap<>();
        fleet.stream().filter(InstanceView::ready)
                .forEach(v -> routes.computeIfAbsent(v.version(), k -> new ArrayList<>()).add(InstanceAddress.of(v.instance())));
        traffic.setRoutes(routes);
        if (stable != null && routes.containsKey(stable)) {
            traffic.setWeights(Map.of(stable, 100));
        }
    }

    /** The spec {@code version} was last deployed with successfully (the current spec when there is none). */
    private AppSpec specOf(String version) {
        if (version == null) {
            return spec;
        }
        return store.history(1000).stream()
                .filter(r -> r.state().phase() == RolloutPhase.SUCCEEDED && r.state().targetVersion().equals(version))
                .findFirst().map(r -> r.state().spec()).orElse(spec);
    }

    /**
     * Takes {@code next} as the spec of the deploys from now on (unless {@code dryRun}); returns what changes, field by
     * field. Refused when it is another app's spec, or when it changes what only a new proxy can take (the
     * {@code listen} and preview ports).
     */
    synchronized List<String> apply(AppSpec next, boolean dryRun) {
        if (!next.app().equals(spec.app())) {
            throw ApiException.conflict("app: this spec is for '" + next.app() + "', but this control plane runs '"
                    + spec.app() + "'; another app needs its own home");
        }
        if (next.listen() != spec.listen()) {
            throw ApiException.conflict("listen: the proxy listens on " + spec.listen() + "; a new port needs a new proxy "
                    + "('baton down', then 'baton up' with this spec)");
        }
        if (!java.util.Objects.equals(preview(next), preview(spec))) {
            throw ApiException.conflict("strategy.preview: the proxy's preview port is " + preview(spec)
                    + "; a new one needs a new proxy ('baton down', then 'baton up' with this spec)");
        }
        List<String> changes = dev.baton.rollout.SpecDiff.between(spec, next);
        if (!dryRun && !changes.isEmpty()) {
            spec = next;
            log.info("spec applied for the next deploys: {}", String.join("; ", changes));
        }
        return changes;
    }

    private static Integer preview(AppSpec s) {
        return s.strategy() instanceof BlueGreenSpec bg ? bg.preview() : null;
    }

    /** Starts a rollout to {@code req.version()}; returns the new rollout's id. */
    synchronized String deploy(DeployRequest req) {
        return start(withOverrides(spec, req), req.version(), null);
    }

    private String start(AppSpec s, String version, Long rollbackTo) {
        if (closing) {
            throw ApiException.conflict("the control plane is shutting down");
        }
        active().ifPresent(this::awaitHandOverIfEnded);
        active().ifPresent(a -> {
            throw ApiException.conflict("rollout " + a.id() + " of " + a.engine().current().targetVersion()
                    + " is still " + a.engine().current().phase() + "; wait for it or abort it");
        });
        if (version.equals(stable)) {
            throw ApiException.conflict("version: " + version + " is already the running version");
        }
        String id = "r-" + UUID.randomUUID().toString().substring(0, 8);
        List<InstanceView> fleet = supervisor.handOver();
        RolloutState start;
        try {
            start = store.save(RolloutState.start(id, s, stable, version, fleet, clock.instant()).toBuilder()
                    .rollbackTo(rollbackTo).build());
        } catch (RuntimeException e) {
            store.latest().ifPresent(last -> supervisor.takeOver(last.state(), stable, fleet, List.of(), driver(stableSpec)));
            throw e;
        }
        log.info("rollout {}: {} → {} ({}{})", id, stable == null ? "nothing" : stable, version, s.strategy().type(),
                rollbackTo == null ? "" : ", rollback to revision " + rollbackTo);
        launch(start, false, false);
        return id;
    }

    /**
     * Rolls back. With a rollout in progress: aborts it (back to the stable version). Otherwise goes back to the
     * last version that succeeded before the running one, or to {@code revision} when named (it must have
     * succeeded), with that revision's spec but {@link BlueGreenSpec#emergency()} as the strategy: no promote,
     * pause or analysis to wait for, and traffic moves only once every instance of it is ready.
     */
    synchronized String rollback(Long revision) {
        active().ifPresent(this::awaitHandOverIfEnded);
        Optional<ActiveRollout> a = active();
        if (a.isPresent()) {
            if (revision != null) {
                throw ApiException.conflict("rollout " + a.get().id() + " is in progress: 'baton rollback' without a "
                        + "revision aborts it; name a revision once it has ended");
            }
            a.get().engine().abort("rollback requested");
            return a.get().id();
        }
        JdbcRolloutStore.Stored target = revision != null ? succeeded(revision)
                : store.history(1000).stream()
                        .filter(r -> r.state().phase() == RolloutPhase.SUCCEEDED && !r.state().targetVersion().equals(stable))
                        .findFirst().orElseThrow(() -> ApiException.conflict("nothing to roll back to: no earlier successful version"));
        AppSpec s = target.state().spec().withStrategy(BlueGreenSpec.emergency());
        return start(s, target.state().targetVersion(), target.revision());
    }

    /** The rollout of {@code revision}, which must have succeeded: a version analysis rolled back is no way back. */
    private JdbcRolloutStore.Stored succeeded(long revision) {
        JdbcRolloutStore.Stored r = store.byRevision(revision)
                .orElseThrow(() -> ApiException.notFound("revision: no revision " + revision));
        if (r.state().phase() != RolloutPhase.SUCCEEDED) {
            throw ApiException.conflict("revision: revision " + revision + " (" + r.state().targetVersion() + ") did not "
                    + "succeed (" + r.state().phase() + (r.state().reason() == null ? "" : ": " + r.state().reason())
                    + "); roll back to a revision that succeeded (see 'baton history')");
        }
        return r;
    }

    ActiveRollout require() {
        return active().orElseThrow(() -> ApiException.conflict("no rollout in progress"));
    }

    void pause(boolean paused) {
        ActiveRollout a = require();
        a.engine().pause(paused);
        store.setPaused(a.id(), paused);
    }

    /** The outcome of a rollout started or resumed by this control plane, if it is one. */
    Optional<CompletableFuture<RolloutState>> outcome(String id) {
        return Optional.ofNullable(outcomes.get(id));
    }

    private void launch(RolloutState state, boolean resume, boolean paused) {
        InstanceDriver driver = driver(state.spec());
        AtomicReference<RolloutEngine> engineRef = new AtomicReference<>();
        JobShares jobs = state.spec().hasWorker() ? new QueueJobShares(queue, fence) : JobShares.none();
        RolloutPorts ports = new RolloutPorts(driver, traffic, jobs, store,
                new PreviewSmokeCheck(traffic, new DirectSmokeCheck(
                        v -> engineRef.get().current() == null ? List.of() : engineRef.get().current().ready(v))));
        RolloutEngine engine = new RolloutEngine(Strategy.of(state.spec()), ports, clock, Waiter.onClock(clock, Duration.ofMillis(200)));
        engineRef.set(engine);
        engine.pause(paused);
        CompletableFuture<RolloutState> outcome = new CompletableFuture<>();
        outcomes.put(state.id(), outcome);
        active.set(new ActiveRollout(state.id(), engine, outcome));
        Thread t = Thread.ofPlatform().name("rollout-" + state.id()).daemon(true).start(() -> {
            try {
                RolloutState end = carryOut(engine, state, resume);
                finished(end);
                outcome.complete(end);
            } catch (InterruptedException e) {
                log.info("rollout {} left running: the control plane is stopping", state.id());
                outcome.cancel(false);
            } catch (NotLeaderException e) {
                log.warn("rollout {} left to the leader: {}", state.id(), e.getMessage());
                outcome.cancel(false);
            } catch (RuntimeException e) {
                log.error("rollout {} stopped by an unexpected error", state.id(), e);
                outcome.completeExceptionally(e);
            }
        });
        synchronized (threads) {
            threads.add(t);
        }
    }

    /** Runs the engine to the end; an error outside a step (e.g. the database away) is logged and retried. */
    private RolloutState carryOut(RolloutEngine engine, RolloutState state, boolean resume) throws InterruptedException {
        RolloutState from = state;
        boolean first = true;
        while (true) {
            try {
                return first && resume ? engine.resume(from) : engine.run(from);
            } catch (NotLeaderException e) {
                throw e; // deposed: the election steps this control plane down; the new leader resumes
            } catch (RuntimeException e) {
                engineFailures.incrementAndGet();
                log.warn("rollout {}: {}; carrying on in {}s", state.id(), e.toString(), RESTART_BACKOFF.toSeconds());
                if (closing) {
                    throw new InterruptedException("closing");
                }
                Thread.sleep(RESTART_BACKOFF);
                if (e instanceof StaleRolloutException) {
                    // Saved meanwhile by another writer, or our own save landed but its answer was lost: go on from
                    // what the store holds, never from a state it has moved past.
                    from = store.find(state.id()).map(JdbcRolloutStore.Stored::state).orElse(from);
                    first = false;
                } else if (engine.current() != null) {
                    from = engine.current();
                    first = false;
                }
            }
        }
    }

    /**
     * A rollout that has reached its end still hands its instances to supervision before it stops being
     * the active one; a deploy or rollback in that moment (right after {@code status} showed the new stable version)
     * waits for the hand-over instead of being refused. Bounded; a hand-over that takes longer is refused
     * as before.
     */
    private void awaitHandOverIfEnded(ActiveRollout a) {
        RolloutState s = a.engine().current();
        if (s == null || !s.phase().terminal()) {
            return;
        }
        try {
            a.outcome().get(HAND_OVER_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.CancellationException e) {
            // refused below, with what the rollout is doing
        }
    }

    private void finished(RolloutState end) {
        if (end.phase() == RolloutPhase.SUCCEEDED) {
            stable = end.targetVersion();
            stableSpec = end.spec();
        }
        if (!closing) {
            try {
                supervisor.takeOver(end, stable, end.live(), List.of(), driver(stableSpec));
            } catch (RuntimeException e) {
                log.error("supervision could not adopt the instances of rollout {}; crashes go unreplaced until the next "
                        + "deploy or restart", end.id(), e);
            }
        }
        log.info("rollout {} of {} ended: {}{}", end.id(), end.targetVersion(), end.phase(),
                end.reason() == null ? "" : " (" + end.reason() + ")");
    }

    /** Stops the rollout threads (their instances keep running; a restart resumes). Bounded and idempotent. */
    void close(Duration timeout) {
        closing = true;
        supervisor.close();
        List<Thread> ts;
        synchronized (threads) {
            ts = List.copyOf(threads);
        }
        ts.forEach(Thread::interrupt);
        for (Thread t : ts) {
            try {
                t.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    InstanceDriver driver(AppSpec s) {
        return drivers.forSpec(s);
    }

    InstanceDrivers drivers() {
        return drivers;
    }

    private static AppSpec withOverrides(AppSpec s, DeployRequest req) {
        AppSpec out = s;
        if (req.strategySection() != null) {
            try {
                out = out.withStrategySection(req.strategySection());
            } catch (SpecException e) {
                throw ApiException.badRequest(String.join("; ", e.errors()));
            }
        }
        if (req.strategy() != null && !req.strategy().equals(s.strategy().type())) {
            StrategySpec st = switch (req.strategy()) {
                case "rolling" -> RollingSpec.defaults();
                case "blue-green" -> BlueGreenSpec.defaults();
                default -> throw ApiException.badRequest("strategy: canary needs its steps in the spec's strategy "
                        + "section; this spec's strategy is " + s.strategy().type());
            };
            out = out.withStrategy(st);
        }
        if (!req.settings().isEmpty()) {
            try {
                out = out.withSettings(req.settings());
            } catch (SpecException e) {
                throw ApiException.badRequest(String.join("; ", e.errors()));
            }
        }
        if (!req.env().isEmpty()) {
            Map<String, String> env = new HashMap<>(out.env());
            env.putAll(req.env());
            out = out.withEnv(env);
        }
        return out;
    }

    /** The hold on the proxy (its per-version counters feed the dashboard's chart). */
    /** The rollout store this term writes through (fenced by its term on an external database). */
    JdbcRolloutStore store() {
        return store;
    }
}
