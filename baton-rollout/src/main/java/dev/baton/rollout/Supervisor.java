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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>
 * Locking: the supervisor's state (fleet, slots, the last rollout) is guarded by its monitor, which is never held
 * across a blocking call — probes, starts and stops go to the driver, writes to the store and route tables to the
 * proxy, each outside it. Status ({@link #fleet()}, {@link #slots()}) reads an immutable view and never waits.
 * Decisions made under the monitor queue their effects (recorded exits, events, a save, a route table), which are
 * written in order by {@link #flush()}. {@link #handOver()} and {@link #takeOver} start a new epoch: a start or a
 * probe that was in flight when the fleet changed hands is not applied (an instance started for the old epoch is
 * stopped, never left unmanaged), and a route table of the old epoch is never published.
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
    // Guarded by this; never held across a blocking call.
    private final Map<String, InstanceView> fleet = new LinkedHashMap<>();
    private final Map<String, SupervisedSlot> slotOf = new LinkedHashMap<>();
    private final List<SupervisedSlot> slots = new ArrayList<>();
    private final List<Effect> effects = new ArrayList<>();
    private RolloutState last;
    private String version;
    private InstanceDriver driver;
    private long epoch;
    /** Serializes the writing of effects, so they reach the store and the proxy in the order they were decided. */
    private final ReentrantLock flushing = new ReentrantLock();
    private volatile List<InstanceView> fleetView = List.of();
    private volatile List<SlotStatus> slotsView = List.of();
    private Thread loop;
    private volatile boolean closed;

    private record Exit(Instance instance, int code) {}

    /** What a decision leaves to write, outside the monitor. */
    private sealed interface Effect {
        record RecordExit(String rolloutId, Instance instance, int code) implements Effect {}
        record Event(String rolloutId, Instant at, String what, String detail) implements Effect {}
        record Save(long epoch) implements Effect {}
        record Routes(long epoch) implements Effect {}
    }

    public Supervisor(TrafficControl traffic, RolloutStore store, Clock clock, Waiter waiter, RestartBackoff backoff) {
        this.traffic = traffic;
        this.store = store;
        this.clock = clock;
        this.waiter = waiter;
        this.backoff = backoff;
    }

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
    public void takeOver(RolloutState lastRollout, String stableVersion, List<InstanceView> running,
                         List<InstanceView> gone, InstanceDriver driver) {
        // Probed before anything is held: a probe may take up to the driver's probe timeout.
        List<InstanceView> dead = running.stream().filter(v -> driver.probe(v.instance()) == InstanceState.FAILED)
                .toList();
        synchronized (this) {
            epoch++;
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
            for (InstanceView v : dead) {
                if (fleet.containsKey(v.id())) {
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
            effects.add(new Effect.Routes(epoch));
            effects.add(new Effect.Save(epoch));
            publishView();
        }
        flush();
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
     * Restarts not yet begun are dropped; the rollout starts from what runs. Waits only for effects being written
     * (a route table of the old epoch must not land after the rollout's own), never for a probe, start or stop.
     */
    public List<InstanceView> handOver() {
        flushing.lock();
        try {
            synchronized (this) {
                List<InstanceView> out = List.copyOf(fleet.values());
                epoch++;
                last = null;
                driver = null;
                fleet.clear();
                slotOf.clear();
                slots.clear();
                effects.removeIf(e -> e instanceof Effect.Routes || e instanceof Effect.Save);
                publishView();
                return out;
            }
        } finally {
            flushing.unlock();
        }
    }

    /** The instances supervised now (empty while a rollout runs). Never waits. */
    public List<InstanceView> fleet() {
        return fleetView;
    }

    /** The slots, with their restart counts and back-off (empty while a rollout runs). Never waits. */
    public List<SlotStatus> slots() {
        return slotsView;
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

    /**
     * One pass: crashes, due restarts, starting instances, back-off resets. Returns when to look again. Decides
     * under the monitor, calls the driver outside it, and applies what came back only if the fleet did not change
     * hands meanwhile.
     */
    Instant tick() {
        long e;
        InstanceDriver d;
        List<SupervisedSlot> due = new ArrayList<>();
        synchronized (this) {
            for (Exit x; (x = exits.poll()) != null; ) {
                if (fleet.containsKey(x.instance().id())) {
                    fail(x.instance(), x.code(), "exited on its own with code " + x.code());
                }
            }
            Instant now = clock.instant();
            for (SupervisedSlot slot : slots) {
                if (slot.restartAt != null && !now.isBefore(slot.restartAt)) {
                    slot.restartAt = null;
                    due.add(slot);
                }
            }
            e = epoch;
            d = driver;
        }
        flush();
        for (SupervisedSlot slot : due) {
            restart(slot, d, e);
        }
        List<InstanceView> starting;
        synchronized (this) {
            starting = epoch == e ? fleet.values().stream().filter(v -> v.state() == InstanceState.STARTING).toList()
                    : List.of();
        }
        for (InstanceView v : starting) {
            awaitReady(v, d, e);
        }
        flush();
        synchronized (this) {
            Instant now = clock.instant();
            Instant next = now.plus(IDLE_TICK);
            for (SupervisedSlot slot : slots) {
                if (slot.restartAt != null && slot.restartAt.isBefore(next)) {
                    next = slot.restartAt;
                }
            }
            for (InstanceView v : fleet.values()) {
                SupervisedSlot slot = slotOf.get(v.id());
                if (v.state() == InstanceState.STARTING) {
                    next = min(next, now.plus(PROBE_INTERVAL));
                } else if (v.ready() && slot != null && slot.crashesInARow > 0 && v.readySince() != null
                        && !now.isBefore(v.readySince().plus(backoff.resetAfter()))) {
                    log.info("{} ready for {}: slot {}'s back-off starts over", v.id(),
                            Durations.format(backoff.resetAfter()), slot.number);
                    slot.crashesInARow = 0;
                }
            }
            publishView();
            return next;
        }
    }

    private void awaitReady(InstanceView v, InstanceDriver d, long e) {
        InstanceState probed = d.probe(v.instance());
        Duration grace;
        synchronized (this) {
            if (epoch != e || fleet.get(v.id()) != v) {
                return;
            }
            Instant now = clock.instant();
            SupervisedSlot slot = slotOf.get(v.id());
            if (probed == InstanceState.READY) {
                fleet.put(v.id(), v.with(InstanceState.READY, now));
                effects.add(new Effect.Save(epoch));
                event("ready", v.id() + " is ready; routing it" + (slot == null ? "" : " (slot " + slot.number + ")"));
                log.info("{} is ready; routing it", v.id());
                effects.add(new Effect.Routes(epoch));
                publishView();
                return;
            }
            if (slot == null || slot.startedAt == null
                    || now.isBefore(slot.startedAt.plus(last.spec().progressDeadline()))) {
                return;
            }
            event("not-ready", v.id() + " not ready within " + Durations.format(last.spec().progressDeadline())
                    + "; stopping it");
            grace = last.spec().drain().killAfter();
        }
        d.stop(v.instance(), grace);
        synchronized (this) {
            if (epoch == e) {
                fail(v.instance(), -1, "was not ready within " + Durations.format(last.spec().progressDeadline()));
                publishView();
            }
        }
    }

    /** Out of routing at once, recorded, and a restart of its slot scheduled after the back-off. Under the monitor. */
    private void fail(Instance i, int code, String why) {
        InstanceView gone = fleet.remove(i.id());
        SupervisedSlot slot = slotOf.remove(i.id());
        if (gone == null || last == null) {
            return;
        }
        if (gone.ready()) {
            effects.add(new Effect.Routes(epoch));
        }
        effects.add(new Effect.RecordExit(last.id(), i, code));
        String restart = "";
        if (slot != null) {
            slot.crashesInARow++;
            slot.lastExitCode = code;
            slot.backoff = backoff.delay(slot.crashesInARow);
            slot.restartAt = clock.instant().plus(slot.backoff);
            restart = "; slot " + slot.number + " restarts in " + Durations.format(slot.backoff)
                    + " (crash " + slot.crashesInARow + " in a row)";
        }
        effects.add(new Effect.Save(epoch));
        log.warn("{} {}: out of routing{}", i.id(), why, restart);
        event("crashed", i.id() + " " + why + "; FAILED, out of routing" + restart);
        publishView();
    }

    private void restart(SupervisedSlot slot, InstanceDriver d, long e) {
        Instance started;
        try {
            started = d.start(slot.version);
        } catch (RuntimeException ex) {
            synchronized (this) {
                slot.crashesInARow++;
                slot.backoff = backoff.delay(slot.crashesInARow);
                slot.restartAt = clock.instant().plus(slot.backoff);
                log.warn("slot {}: cannot start {}: {}; again in {}", slot.number, slot.version, ex.getMessage(),
                        Durations.format(slot.backoff));
                event("restart-failed", "slot " + slot.number + ": " + ex.getMessage() + "; again in "
                        + Durations.format(slot.backoff));
                publishView();
            }
            return;
        }
        boolean orphan;
        synchronized (this) {
            // The fleet changed hands while this instance started: nobody would manage it.
            orphan = epoch != e;
            if (!orphan) {
                slot.restarts++;
                slot.startedAt = clock.instant();
                slot.instanceId = started.id();
                slotOf.put(started.id(), slot);
                fleet.put(started.id(), new InstanceView(started, InstanceState.STARTING, null));
                effects.add(new Effect.Save(epoch));
                log.info("slot {}: started {} (restart {}, after a back-off of {})", slot.number, started.id(),
                        slot.restarts, Durations.format(slot.backoff));
                event("restart", "slot " + slot.number + ": started " + started.id() + " (restart " + slot.restarts
                        + ", after a back-off of " + Durations.format(slot.backoff) + ")");
                publishView();
            }
        }
        if (orphan) {
            log.warn("{} started as supervision handed the fleet over; stopping it", started.id());
            d.stop(started, STOP_GRACE);
        }
    }

    /**
     * Writes the queued effects in order, outside the monitor: exits and events to the store, the last rollout's
     * state (keeping the supervised instances, so a restarted control plane adopts them), the route table. A save
     * or a route table of an epoch that ended is skipped.
     */
    void flush() {
        flushing.lock();
        try {
            while (true) {
                Effect next;
                RolloutState toSave = null;
                Map<String, List<InstanceAddress>> routes = null;
                synchronized (this) {
                    if (effects.isEmpty()) {
                        return;
                    }
                    next = effects.removeFirst();
                    if (next instanceof Effect.Save s && s.epoch() == epoch && last != null) {
                        effects.removeIf(x -> x instanceof Effect.Save); // one save covers every change so far
                        toSave = last.toBuilder().instances(List.copyOf(fleet.values())).now(clock.instant()).build();
                    } else if (next instanceof Effect.Routes r && r.epoch() == epoch) {
                        effects.removeIf(x -> x instanceof Effect.Routes);
                        routes = new TreeMap<>();
                        for (InstanceView v : fleet.values()) {
                            if (v.ready()) {
                                routes.computeIfAbsent(v.version(), k -> new ArrayList<>()).add(InstanceAddress.of(v.instance()));
                            }
                        }
                    }
                }
                switch (next) {
                    case Effect.RecordExit x -> store.recordExit(x.rolloutId(), x.instance(), x.code());
                    case Effect.Event ev -> store.append(new RolloutEvent(ev.rolloutId(), ev.at(),
                            RolloutEvent.Kind.SUPERVISION, ev.what(), ev.detail()));
                    case Effect.Save s -> {
                        if (toSave != null) {
                            save(s, toSave);
                        }
                    }
                    case Effect.Routes r -> {
                        if (routes != null) {
                            traffic.setRoutes(routes);
                        }
                    }
                }
            }
        } finally {
            flushing.unlock();
        }
    }

    private void save(Effect.Save s, RolloutState toSave) {
        RolloutState saved;
        try {
            saved = store.save(toSave);
        } catch (StaleRolloutException e) {
            // Our own save landed but its answer was lost, or someone else saved: read it again, then save the
            // fleet over it (between rollouts the supervisor owns the last rollout's instances).
            RolloutState current = store.load(toSave.id()).orElse(null);
            synchronized (this) {
                if (s.epoch() == epoch && current != null) {
                    last = current;
                    effects.add(new Effect.Save(epoch));
                }
            }
            throw e;
        }
        synchronized (this) {
            if (s.epoch() == epoch) {
                last = saved;
            }
        }
    }

    /** Under the monitor: what status readers see from now on. */
    private void publishView() {
        fleetView = List.copyOf(fleet.values());
        slotsView = slots.stream().map(SupervisedSlot::status).toList();
    }

    /** Under the monitor. */
    private void event(String what, String detail) {
        if (last != null) {
            effects.add(new Effect.Event(last.id(), clock.instant(), what, detail));
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
