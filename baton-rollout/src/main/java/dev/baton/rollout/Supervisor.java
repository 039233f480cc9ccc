package dev.baton.rollout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the stable version's instances running between rollouts, as a ReplicaSet does: an instance that exits on
 * its own is taken out of routing at once, recorded FAILED with its exit code and as a {@code SUPERVISION} event of
 * the last rollout, and replaced in its slot by a new instance of the same version, routed only once READY.
 * Restarts of one slot back off ({@link RestartBackoff}); a slot whose instance stays ready long enough starts
 * over. While a rollout runs the supervisor holds nothing ({@link #handOver()}): the engine handles crashes then,
 * and {@link #takeOver} after it ends first checks which of the instances it is given still run.
 * <p>
 * Crash reports ({@link #crashed}) only queue; one loop thread does all the work, so a crash listener never blocks.
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    static final Duration IDLE_TICK = Duration.ofSeconds(1);
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final TrafficControl traffic;
    private final RolloutStore store;
    private final Clock clock;
    private final Waiter waiter;
    private final RestartBackoff backoff;
    private final ConcurrentLinkedQueue<Exit> exits = new ConcurrentLinkedQueue<>();
    private final AtomicLong loopErrors = new AtomicLong();
    private final Map<String, InstanceView> fleet = new LinkedHashMap<>();
    private final Map<String, SupervisedSlot> slotOf = new LinkedHashMap<>();
    private final List<SupervisedSlot> slots = new ArrayList<>();
    private RolloutState last;
    private String version;
    private InstanceDriver driver;
    private Thread loop;
    private volatile boolean closed;

    private record Exit(Instance instance, int code) {}

    public Supervisor(TrafficControl traffic, RolloutStore store, Clock clock, Waiter waiter, RestartBackoff backoff) {
        this.traffic = traffic;
        this.store = store;
        this.clock = clock;
        this.waiter = waiter;
        this.backoff = backoff;
    }

    /** Starts the loop thread. Idempotent. */
    public synchronized Supervisor start() {
        if (loop == null && !closed) {
            loop = Thread.ofPlatform().name("supervisor").daemon(true).start(this::runLoop);
        }
        return this;
    }

    /** The crash listener: queues the exit for the loop. Safe from any thread; never blocks. */
    public void crashed(Instance instance, int exitCode) {
        exits.add(new Exit(instance, exitCode));
        waiter.wakeUp();
    }

    /**
     * Starts supervising the instances a rollout left ({@code running}) as {@code stableVersion}, started through
     * {@code driver}; {@code gone} are instances known to have died (e.g. while the control plane was down). Each
     * running instance gets a slot; those whose process is gone are treated as crashed, and slots up to the spec's
     * instance count are filled.
     */
    public synchronized void takeOver(RolloutState lastRollout, String stableVersion, List<InstanceView> running,
                                      List<InstanceView> gone, InstanceDriver driver) {
        this.last = lastRollout;
        this.version = stableVersion;
        this.driver = driver;
        fleet.clear();
        slotOf.clear();
        slots.clear();
        Instant now = clock.instant();
        for (InstanceView v : running) {
            assign(v);
        }
        // An instance that crashed as the rollout ended was reported to the engine, not here: look for it.
        for (Exit e; (e = exits.poll()) != null; ) {
            if (fleet.containsKey(e.instance().id())) {
                fail(e.instance(), e.code(), "exited with code " + e.code() + " as the rollout ended");
            }
        }
        for (InstanceView v : List.copyOf(fleet.values())) {
            if (driver.probe(v.instance()) == InstanceState.FAILED) {
                fail(v.instance(), -1, "was gone when supervision took over");
            }
        }
        for (InstanceView v : gone) {
            assign(v);
            fail(v.instance(), -1, "died while the control plane was down");
        }
        while (version != null && slots.size() < lastRollout.spec().instances()) {
            SupervisedSlot slot = new SupervisedSlot(slots.size() + 1, version);
            slot.restartAt = now;
            slots.add(slot);
            event("missing", "slot " + slot.number + " has no instance of " + version + "; starting one");
        }
        log.info("supervising {} instances of {} in {} slots", fleet.size(), version, slots.size());
        publishRoutes();
        persist();
        waiter.wakeUp();
    }

    private void assign(InstanceView v) {
        SupervisedSlot slot = new SupervisedSlot(slots.size() + 1, v.version());
        slot.instanceId = v.id();
        slots.add(slot);
        slotOf.put(v.id(), slot);
        fleet.put(v.id(), v);
    }

    /**
     * Stops supervising (a rollout takes over) and returns the instances that still run, READY or STARTING.
     * Restarts not yet begun are dropped; the rollout starts from what runs.
     */
    public synchronized List<InstanceView> handOver() {
        List<InstanceView> out = List.copyOf(fleet.values());
        last = null;
        driver = null;
        fleet.clear();
        slotOf.clear();
        slots.clear();
        return out;
    }

    /** The instances supervised now (empty while a rollout runs). */
    public synchronized List<InstanceView> fleet() {
        return List.copyOf(fleet.values());
    }

    /** The slots, with their restart counts and back-off (empty while a rollout runs). */
    public synchronized List<SlotStatus> slots() {
        return slots.stream().map(SupervisedSlot::status).toList();
    }

    /** Times the loop hit an error and carried on. */
    public long loopErrors() {
        return loopErrors.get();
    }

    /** Stops the loop thread (the instances keep running). Idempotent, bounded. */
    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = loop;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(STOP_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void runLoop() {
        while (!closed) {
            Instant wakeAt;
            try {
                wakeAt = tick();
            } catch (RuntimeException e) {
                long n = loopErrors.incrementAndGet();
                log.warn("supervision failed (error {}), carrying on: {}", n, e.toString());
                log.debug("supervision failure", e);
                wakeAt = clock.instant().plus(IDLE_TICK);
            }
            try {
                waiter.awaitUntil(wakeAt, () -> closed || !exits.isEmpty());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass: crashes, due restarts, starting instances, back-off resets. Returns when to look again. */
    synchronized Instant tick() {
        for (Exit e; (e = exits.poll()) != null; ) {
            if (fleet.containsKey(e.instance().id())) {
                fail(e.instance(), e.code(), "exited on its own with code " + e.code());
            }
        }
        Instant now = clock.instant();
        Instant next = now.plus(IDLE_TICK);
        for (SupervisedSlot slot : slots) {
            if (slot.restartAt != null && !now.isBefore(slot.restartAt)) {
                restart(slot);
            }
            if (slot.restartAt != null && slot.restartAt.isBefore(next)) {
                next = slot.restartAt;
            }
        }
        for (InstanceView v : List.copyOf(fleet.values())) {
            SupervisedSlot slot = slotOf.get(v.id());
            if (v.state() == InstanceState.STARTING) {
                awaitReady(v, slot, now);
                next = min(next, now.plus(PROBE_INTERVAL));
            } else if (v.ready() && slot != null && slot.crashesInARow > 0 && v.readySince() != null
                    && !now.isBefore(v.readySince().plus(backoff.resetAfter()))) {
                log.info("{} ready for {}: slot {}'s back-off starts over", v.id(), Durations.format(backoff.resetAfter()),
                        slot.number);
                slot.crashesInARow = 0;
            }
        }
        return next;
    }

    private void awaitReady(InstanceView v, SupervisedSlot slot, Instant now) {
        InstanceState probed = driver.probe(v.instance());
        if (probed == InstanceState.READY) {
            fleet.put(v.id(), v.with(InstanceState.READY, now));
            persist();
            event("ready", v.id() + " is ready; routing it" + (slot == null ? "" : " (slot " + slot.number + ")"));
            log.info("{} is ready; routing it", v.id());
            publishRoutes();
        } else if (slot != null && slot.startedAt != null
                && !now.isBefore(slot.startedAt.plus(last.spec().progressDeadline()))) {
            event("not-ready", v.id() + " not ready within " + Durations.format(last.spec().progressDeadline()) + "; stopping it");
            driver.stop(v.instance(), last.spec().drain().killAfter());
            fail(v.instance(), -1, "was not ready within " + Durations.format(last.spec().progressDeadline()));
        }
    }

    /** Out of routing at once, recorded, and a restart of its slot scheduled after the back-off. */
    private void fail(Instance i, int code, String why) {
        InstanceView gone = fleet.remove(i.id());
        SupervisedSlot slot = slotOf.remove(i.id());
        if (gone == null || last == null) {
            return;
        }
        if (gone.ready()) {
            publishRoutes();
        }
        store.recordExit(last.id(), i, code);
        String restart = "";
        if (slot != null) {
            slot.crashesInARow++;
            slot.lastExitCode = code;
            slot.backoff = backoff.delay(slot.crashesInARow);
            slot.restartAt = clock.instant().plus(slot.backoff);
            restart = "; slot " + slot.number + " restarts in " + Durations.format(slot.backoff)
                    + " (crash " + slot.crashesInARow + " in a row)";
        }
        persist();
        log.warn("{} {}: out of routing{}", i.id(), why, restart);
        event("crashed", i.id() + " " + why + "; FAILED, out of routing" + restart);
    }

    private void restart(SupervisedSlot slot) {
        slot.restartAt = null;
        Instance started;
        try {
            started = driver.start(slot.version);
        } catch (RuntimeException e) {
            slot.crashesInARow++;
            slot.backoff = backoff.delay(slot.crashesInARow);
            slot.restartAt = clock.instant().plus(slot.backoff);
            log.warn("slot {}: cannot start {}: {}; again in {}", slot.number, slot.version, e.getMessage(),
                    Durations.format(slot.backoff));
            event("restart-failed", "slot " + slot.number + ": " + e.getMessage() + "; again in " + Durations.format(slot.backoff));
            return;
        }
        slot.restarts++;
        slot.startedAt = clock.instant();
        slot.instanceId = started.id();
        slotOf.put(started.id(), slot);
        fleet.put(started.id(), new InstanceView(started, InstanceState.STARTING, null));
        persist();
        log.info("slot {}: started {} (restart {}, after a back-off of {})", slot.number, started.id(), slot.restarts,
                Durations.format(slot.backoff));
        event("restart", "slot " + slot.number + ": started " + started.id() + " (restart " + slot.restarts
                + ", after a back-off of " + Durations.format(slot.backoff) + ")");
    }

    private void publishRoutes() {
        Map<String, List<Backend>> routes = new TreeMap<>();
        fleet.values().stream().filter(InstanceView::ready)
                .forEach(v -> routes.computeIfAbsent(v.version(), k -> new ArrayList<>()).add(Backend.of(v.instance())));
        traffic.setRoutes(routes);
    }

    /** The last rollout's state keeps the supervised instances, so a restarted control plane adopts them. */
    private void persist() {
        last = last.toBuilder().instances(List.copyOf(fleet.values())).now(clock.instant()).build();
        last = store.save(last);
    }

    private void event(String what, String detail) {
        if (last != null) {
            store.append(new RolloutEvent(last.id(), clock.instant(), RolloutEvent.Kind.SUPERVISION, what, detail));
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** A slot's restarts and back-off, for status displays. */
    public record SlotStatus(int slot, String instance, int restarts, int crashesInARow, Duration backoff,
                             Instant restartAt, Integer lastExitCode) {
        public Optional<Instant> pendingRestart() {
            return Optional.ofNullable(restartAt);
        }
    }

    private static final class SupervisedSlot {
        final int number;
        final String version;
        String instanceId;
        int restarts;
        int crashesInARow;
        Duration backoff = Duration.ZERO;
        Instant restartAt;
        Instant startedAt;
        Integer lastExitCode;

        SupervisedSlot(int number, String version) {
            this.number = number;
            this.version = version;
        }

        SlotStatus status() {
            return new SlotStatus(number, instanceId, restarts, crashesInARow, backoff, restartAt, lastExitCode);
        }
    }
}
