package dev.baton.rollout;

import dev.baton.common.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a rollout out: asks the {@link Strategy} for the next {@link Step}, records it, performs it
 * through the ports, records the result and the new state, and repeats until {@link Step.Done}. A step
 * that throws is recorded as failed and the loop asks again after a short back-off; it never dies
 * silently. {@link #promote()}, {@link #pause(boolean)} and {@link #abort(String)} may be called from any thread.
 */
public final class RolloutEngine {
    private static final Logger log = LoggerFactory.getLogger(RolloutEngine.class);
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    static final Duration EXIT_CODE_WAIT = Duration.ofSeconds(1);
    static final int START_FAILURE_LOG_LINES = 5;

    private final Strategy strategy;
    private final RolloutPorts ports;
    private final Clock clock;
    private final Waiter waiter;
    private final Removal removal;
    /** Instances that exited on their own, with their exit codes, not yet taken into the state. */
    private final Map<String, Integer> crashed = new ConcurrentHashMap<>();
    /** No instance starts before this: the back-off after instances exited before they were ready. */
    private volatile Instant startNotBefore = Instant.MIN;
    private final AtomicReference<String> abortRequest = new AtomicReference<>();
    private final AtomicBoolean pauseRequest = new AtomicBoolean();
    private volatile boolean promoteRequest;
    private volatile RolloutState state;
    private volatile long failures;
    /** The HTTP counters when the analysis window began (the step's start), and when that was. */
    private Map<String, HttpCounters> windowBaseline;
    private Instant windowStart;
    private String windowFrom;
    /** Unregistered when the rollout is over, so a finished engine is not kept reachable by the driver. */
    private final InstanceDriver.Registration crashes;

    public RolloutEngine(Strategy strategy, RolloutPorts ports, Clock clock, Waiter waiter) {
        this.strategy = strategy;
        this.ports = ports;
        this.clock = clock;
        this.waiter = waiter;
        this.removal = new Removal(ports.driver(), ports.traffic(), clock);
        this.crashes = ports.driver().onCrash((instance, code) -> {
            crashed.put(instance.id(), code);
            waiter.wakeUp();
        });
    }

    /** Skips the current pause (or promotes a blue-green waiting on preview). */
    public void promote() {
        promoteRequest = true;
        waiter.wakeUp();
    }

    /** Rolls back as soon as the current step ends (pauses and waits end at once). */
    public void abort(String reason) {
        abortRequest.compareAndSet(null, reason == null || reason.isBlank() ? "by request" : reason);
        waiter.wakeUp();
    }

    /**
     * Holds a progressing rollout before its next step ({@code true}) or lets it go on ({@code false}). While
     * held nothing happens and nothing is recorded; the time held does not count against the progress
     * deadline nor against a canary step's pause. An abort still goes through; a rollback is never held.
     */
    public void pause(boolean paused) {
        pauseRequest.set(paused);
        waiter.wakeUp();
    }

    /** Whether a pause is requested (the rollout holds at its next step boundary). */
    public boolean paused() {
        return pauseRequest.get();
    }

    /** The latest state, for status displays. */
    public RolloutState current() {
        return state;
    }

    /** Steps that threw so far. */
    public long failures() {
        return failures;
    }

    /**
     * Resumes a stored rollout after a controller restart: adopts the instances that still run, marks the
     * others FAILED (the strategy replaces them), re-publishes routes and weights, then {@link #run}s.
     *
     * <p>The time since the rollout was last recorded counts as held, as a pause does: the progress and step clocks
     * move forward by it. Nobody watched the instances meanwhile, so the absence is no evidence against the new
     * version — without this a controller away longer than the progress deadline rolled back, at its first decision
     * and before probing them, instances that had become ready while it was away. The cost: a version that never
     * becomes ready gets at most that much longer before it is rolled back.
     */
    public RolloutState resume(RolloutState stored) throws InterruptedException {
        List<InstanceView> views = new ArrayList<>();
        for (InstanceView v : stored.instances()) {
            Optional<Instance> adopted = v.state().live() ? ports.driver().adopt(v.instance()) : Optional.empty();
            views.add(adopted.isPresent() ? v : v.with(InstanceState.FAILED, clock.instant()));
        }
        views.addAll(unrecorded(stored));
        Instant now = clock.instant();
        Duration away = stored.now() == null || now.isBefore(stored.now()) ? Duration.ZERO
                : Duration.between(stored.now(), now);
        RolloutState.Builder b = stored.toBuilder().instances(views).now(now);
        if (stored.progressAt() != null) {
            b.progressAt(stored.progressAt().plus(away));
        }
        if (stored.stepSince() != null) {
            b.stepSince(stored.stepSince().plus(away));
        }
        RolloutState s = b.build();
        event(s, RolloutEvent.Kind.COMMAND, "resume", "adopted " + views.stream().filter(v -> v.state().live()).count()
                + " of " + views.size() + " instances; " + Durations.format(away) + " unrecorded counts as held");
        syncRoutes(s);
        if (!s.weights().isEmpty()) {
            ports.traffic().setWeights(s.weights());
        }
        return run(s);
    }

    /**
     * Instances the driver runs that the stored rollout never heard of — a controller that died between
     * starting a process and recording it. One of this rollout's versions joins the rollout as STARTING (the
     * next readiness wait probes it); any other is stopped. Nothing is left running unmanaged: an unmanaged
     * worker would keep claiming jobs.
     */
    private List<InstanceView> unrecorded(RolloutState stored) {
        Set<String> known = new java.util.HashSet<>();
        stored.instances().forEach(v -> known.add(v.id()));
        List<InstanceView> joined = new ArrayList<>();
        for (Instance r : ports.driver().recorded()) {
            Optional<Instance> running = known.contains(r.id()) ? Optional.empty() : ports.driver().adopt(r);
            if (running.isEmpty()) {
                continue;
            }
            if (r.version().equals(stored.targetVersion()) || r.version().equals(stored.stableVersion())) {
                log.warn("rollout {}: {} runs but was never recorded; it joins the rollout", stored.id(), r.id());
                joined.add(new InstanceView(running.get(), InstanceState.STARTING, null));
            } else {
                log.warn("rollout {}: {} runs but belongs to no version of it; stopping it", stored.id(), r.id());
                ports.driver().stop(running.get(), stored.spec().drain().killAfter());
            }
        }
        return joined;
    }

    /**
     * Runs the rollout to its end on the calling thread; returns the final state. Once it returns (or is
     * interrupted) the engine stops listening for crashes; after a RuntimeException it may be run again.
     */
    public RolloutState run(RolloutState initial) throws InterruptedException {
        try {
            RolloutState end = runSteps(initial);
            crashes.close();
            return end;
        } catch (InterruptedException e) {
            crashes.close();
            throw e;
        }
    }

    private RolloutState runSteps(RolloutState initial) throws InterruptedException {
        state = initial;
        while (true) {
            RolloutState s = absorbSignals(state.toBuilder().now(clock.instant()).build());
            state = s;
            if (holds(s)) {
                state = holdWhilePaused(s);
                continue;
            }
            Step step = strategy.next(s);
            String name = step.getClass().getSimpleName();
            event(s, RolloutEvent.Kind.STEP_STARTED, name, step.toString());
            if (step instanceof Step.Pause p && p.isForever()) {
                event(s, RolloutEvent.Kind.WAITING, name, p.reason());
            }
            state = ports.store().save(s);
            try {
                String detail = execute(step);
                event(state, RolloutEvent.Kind.STEP_DONE, name, detail);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failures++;
                log.warn("rollout {}: {} failed (failure {}), retrying: {}", s.id(), step, failures, e.toString());
                log.debug("step failure", e);
                event(state, RolloutEvent.Kind.STEP_FAILED, name, String.valueOf(e));
                waiter.awaitUntil(clock.instant().plus(RETRY_BACKOFF), this::signalled);
            }
            state = ports.store().save(state);
            if (step instanceof Step.Done) {
                return state;
            }
        }
    }

    private boolean signalled() {
        return promoteRequest || abortRequest.get() != null && state.abortReason() == null || !crashed.isEmpty()
                || holds(state);
    }

    private boolean holds(RolloutState s) {
        return pauseRequest.get() && s.phase() == RolloutPhase.PROGRESSING && s.abortReason() == null
                && abortRequest.get() == null;
    }

    /**
     * Waits, recording only the start and the end, until resumed or aborted; then moves the progress and
     * step clocks forward by the time held, so neither the deadline nor a pause ran meanwhile.
     */
    private RolloutState holdWhilePaused(RolloutState s) throws InterruptedException {
        Instant since = clock.instant();
        event(s, RolloutEvent.Kind.COMMAND, "pause", "held before its next step");
        s = ports.store().save(s);
        waiter.awaitUntil(null, () -> !pauseRequest.get() || abortRequest.get() != null);
        Instant now = clock.instant();
        Duration held = Duration.between(since, now);
        RolloutState.Builder b = s.toBuilder().now(now);
        if (s.progressAt() != null) {
            b.progressAt(s.progressAt().plus(held));
        }
        if (s.stepSince() != null) {
            b.stepSince(s.stepSince().plus(held));
        }
        RolloutState resumed = b.build();
        if (!pauseRequest.get()) {
            event(resumed, RolloutEvent.Kind.COMMAND, "resume", "held " + Durations.format(held));
        }
        return ports.store().save(resumed);
    }

    private RolloutState absorbSignals(RolloutState s) {
        RolloutState.Builder b = s.toBuilder();
        if (promoteRequest) {
            promoteRequest = false;
            b.promoteRequested(true);
            event(s, RolloutEvent.Kind.COMMAND, "promote", "");
        }
        String abort = abortRequest.get();
        if (abort != null && s.abortReason() == null) {
            b.abortReason(abort);
            event(s, RolloutEvent.Kind.COMMAND, "abort", abort);
        }
        if (!crashed.isEmpty()) {
            Map<String, Integer> codes = Map.copyOf(crashed);
            codes.keySet().forEach(crashed::remove);
            List<InstanceView> views = new ArrayList<>();
            for (InstanceView i : s.instances()) {
                Integer code = codes.get(i.id());
                if (code != null && i.state() == InstanceState.STARTING) {
                    startFailed(b, s, i, code);
                }
                views.add(code != null && i.state() != InstanceState.DRAINING ? i.with(InstanceState.FAILED, s.now()) : i);
            }
            b.instances(views);
        }
        return b.build();
    }

    /**
     * Counts an instance that exited before it was ready (the strategy rolls back after the spec's
     * {@code max_start_failures} in a row) and holds the next start back, doubling like the supervisor's back-off.
     */
    private void startFailed(RolloutState.Builder b, RolloutState s, InstanceView i, Integer code) {
        int inARow = b.build().startFailures() + 1;
        List<String> tail = ports.driver().logTail(i.instance(), START_FAILURE_LOG_LINES);
        String what = i.id() + " exited " + (code == null || code < 0 ? "(exit code unknown)" : "with code " + code)
                + " before it was ready" + (tail.isEmpty() ? "" : "; its log ends: " + String.join(" | ", tail));
        Duration backoff = RestartBackoff.DEFAULT.delay(inARow);
        startNotBefore = clock.instant().plus(backoff);
        b.startFailures(inARow).lastStartFailure(what);
        log.warn("rollout {}: {} ({} in a row; next start in {})", s.id(), what, inARow, Durations.format(backoff));
        event(s, RolloutEvent.Kind.STEP_FAILED, "start", what);
    }

    private String execute(Step step) throws Exception {
        Instant now = clock.instant();
        RolloutState s = state;
        switch (step) {
            case Step.StartInstances st -> {
                if (now.isBefore(startNotBefore)) {
                    waiter.awaitUntil(startNotBefore, () -> abortRequest.get() != null && state.abortReason() == null);
                    if (clock.instant().isBefore(startNotBefore)) {
                        return "held back: instances exited before they were ready";
                    }
                }
                for (int i = 0; i < st.count(); i++) {
                    Instance started = ports.driver().start(st.version());
                    List<InstanceView> all = new ArrayList<>(state.instances());
                    all.add(new InstanceView(started, InstanceState.STARTING, null));
                    // Recorded as it starts: a controller that dies now still finds it on resume.
                    state = ports.store().save(state.toBuilder().instances(all).build());
                }
                return "started " + st.count() + " of " + st.version();
            }
            case Step.AwaitReady a -> {
                return awaitReady(a);
            }
            case Step.SetWeights w -> {
                syncRoutes(s);
                ports.traffic().setWeights(w.weights());
                state = s.toBuilder().weights(w.weights()).stepSince(now).progressAt(now).build();
                startWindow(now, "the step began");
                return w.weights().toString();
            }
            case Step.SetJobShares j -> {
                if (j.shares().isEmpty()) {
                    ports.jobs().clear();
                } else {
                    ports.jobs().setShares(new LinkedHashMap<>(j.shares()));
                }
                state = s.toBuilder().jobShares(j.shares()).build();
                return j.shares().isEmpty() ? "cleared" : j.shares().toString();
            }
            case Step.SetPreview p -> {
                ports.traffic().setPreview(p.version());
                state = s.toBuilder().previewVersion(p.version()).build();
                return String.valueOf(p.version());
            }
            case Step.SmokeCheck c -> {
                boolean ok = ports.smoke().passes(c.version(), c.path());
                state = s.toBuilder().smokePassed(ok).build();
                return ok ? "passed" : "failed";
            }
            case Step.DrainAndStop d -> {
                return drainAndStop(d);
            }
            case Step.Pause p -> {
                waiter.awaitUntil(p.isForever() ? null : now.plus(p.duration()), this::signalled);
                return "waited until " + clock.instant();
            }
            case Step.Analyse a -> {
                AnalysisVerdict v = analyse(a, s, now);
                state = s.toBuilder().lastVerdict(v).build();
                return v.outcome() + ": " + v.reason();
            }
            case Step.Advance a -> {
                state = s.toBuilder().stepIndex(a.toStep()).stepSince(now).progressAt(now).promoteRequested(false).build();
                startWindow(now, "the step began");
                return "step " + (a.toStep() + 1);
            }
            case Step.Promote p -> {
                state = s.toBuilder().promotedAt(now).progressAt(now).promoteRequested(false).build();
                return s.targetVersion() + " is stable";
            }
            case Step.RetryFailedJobs r -> {
                int n = ports.jobs().retryFailedBy(r.version(), r.since());
                state = s.toBuilder().failedJobsRetried(true).build();
                return n + " jobs back in the queue";
            }
            case Step.Rollback r -> {
                state = s.toBuilder().phase(RolloutPhase.ROLLING_BACK).reason(r.reason()).build();
                log.warn("rollout {}: rolling back: {}", s.id(), r.reason());
                return r.reason();
            }
            case Step.Done d -> {
                state = s.toBuilder().phase(d.outcome()).build();
                return d.outcome().name();
            }
        }
    }

    private String awaitReady(Step.AwaitReady a) throws InterruptedException {
        while (true) {
            Instant now = clock.instant();
            List<InstanceView> views = new ArrayList<>();
            List<InstanceView> gone = new ArrayList<>();
            boolean progressed = false;
            for (InstanceView v : state.instances()) {
                if (v.version().equals(a.version()) && v.state() == InstanceState.STARTING) {
                    InstanceState probed = ports.driver().probe(v.instance());
                    progressed |= probed == InstanceState.READY;
                    if (probed == InstanceState.FAILED) {
                        gone.add(v);
                    }
                    views.add(probed == InstanceState.STARTING ? v : v.with(probed, now));
                } else {
                    views.add(v);
                }
            }
            RolloutState.Builder b = state.toBuilder().instances(views);
            if (progressed) {
                b.progressAt(now).startFailures(0);
            }
            for (InstanceView v : gone) {
                startFailed(b, state, v, exitCode(v));
            }
            state = b.build();
            int ready = state.ready(a.version()).size();
            if (progressed) {
                syncRoutes(state);
            }
            if (ready >= a.count() || !state.failed().isEmpty() || !now.isBefore(a.deadline()) || signalled()) {
                return ready + "/" + a.count() + " of " + a.version() + " ready";
            }
            Instant next = now.plus(PROBE_INTERVAL);
            waiter.awaitUntil(next.isBefore(a.deadline()) ? next : a.deadline(), this::signalled);
        }
    }

    /** The exit code of an instance the probe found gone: its crash report, awaited briefly (null: none came). */
    private Integer exitCode(InstanceView v) throws InterruptedException {
        waiter.awaitUntil(clock.instant().plus(EXIT_CODE_WAIT), () -> crashed.containsKey(v.id()));
        return crashed.remove(v.id());
    }

    private String drainAndStop(Step.DrainAndStop d) throws Exception {
        List<Instance> targets = state.instances().stream().filter(v -> d.instanceIds().contains(v.id()))
                .map(InstanceView::instance).toList();
        state = state.toBuilder().instances(state.instances().stream().map(v -> d.instanceIds().contains(v.id())
                && v.state().live() ? v.with(InstanceState.DRAINING, clock.instant()) : v).toList()).build();
        state = ports.store().save(state);
        List<String> outcomes = removal.remove(targets, state.spec().drain());
        state = state.toBuilder().instances(state.instances().stream()
                .filter(v -> !d.instanceIds().contains(v.id())).toList()).build();
        syncRoutes(state);
        return d.reason() + ": " + String.join(", ", outcomes);
    }

    /**
     * The analysis judges what happened since its step began, never lifetime totals: a version name deployed
     * again after a rollback starts clean, the stable version's history does not dilute its current error rate,
     * and a canary that turns bad late is not averaged away. The proxy's counters are cumulative, so the window
     * is their difference from a reading taken when the step's weights were set.
     */
    private void startWindow(Instant now, String from) {
        try {
            windowBaseline = ports.traffic().metrics();
        } catch (RuntimeException e) {
            log.warn("cannot read the proxy's metrics to start the analysis window; it starts at the next analysis: {}",
                    e.toString());
            windowBaseline = null;
            return;
        }
        windowStart = now;
        windowFrom = from;
    }

    private AnalysisVerdict analyse(Step.Analyse a, RolloutState s, Instant now) {
        if (!(s.spec().strategy() instanceof CanarySpec canary) || canary.analysis() == null) {
            return new AnalysisVerdict(AnalysisVerdict.Outcome.INCONCLUSIVE, "no analysis configured", now);
        }
        Map<String, HttpCounters> http = ports.traffic().metrics();
        if (windowBaseline == null) {
            // The control plane restarted during the step (or the proxy was away when it began).
            windowBaseline = http;
            windowStart = now;
            windowFrom = "this analysis (the step's start was not observed)";
        }
        Map<String, JobStats> jobs = s.spec().hasWorker() ? ports.jobs().stats(windowStart) : Map.of();
        AnalysisVerdict v = Analysis.judge(canary.analysis(), window(http, a.canary()), window(http, a.stable()),
                jobs.getOrDefault(a.canary(), JobStats.NONE), jobs.getOrDefault(a.stable(), JobStats.NONE), now);
        return new AnalysisVerdict(v.outcome(), v.reason() + " [window " + Durations.format(Duration.between(windowStart,
                now)) + ", since " + windowFrom + "]", v.at());
    }

    private HttpStats window(Map<String, HttpCounters> now, String version) {
        return now.getOrDefault(version, HttpCounters.NONE).since(windowBaseline.get(version));
    }

    /** Publishes the READY instances of every version as the proxy's backends. */
    private void syncRoutes(RolloutState s) {
        Map<String, List<InstanceAddress>> routes = new TreeMap<>();
        for (InstanceView v : s.instances()) {
            if (v.ready()) {
                routes.computeIfAbsent(v.version(), k -> new ArrayList<>()).add(InstanceAddress.of(v.instance()));
            }
        }
        ports.traffic().setRoutes(routes);
    }

    private void event(RolloutState s, RolloutEvent.Kind kind, String step, String detail) {
        ports.store().append(new RolloutEvent(s.id(), clock.instant(), kind, step, detail));
    }
}
