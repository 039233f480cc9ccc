package dev.baton.rollout;

import dev.baton.common.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * In-memory ports for engine tests: pure logic, no processes and no proxy (those have their own tests
 * against real processes). Every call goes into one journal so tests can check the order of effects.
 */
final class Fakes {
    final List<String> journal = Collections.synchronizedList(new ArrayList<>());
    final ManualClock clock = new ManualClock(Simulation.T0);
    final Driver driver = new Driver();
    final Traffic traffic = new Traffic();
    final Jobs jobs = new Jobs();
    final InMemoryRolloutStore store = new InMemoryRolloutStore();
    /** Runs when the engine would wait forever; it should send a command (or the test fails instead of hanging). */
    Runnable onForever = () -> { throw new AssertionError("engine would wait forever"); };

    RolloutPorts ports() {
        return new RolloutPorts(driver, traffic, jobs, store, (v, p) -> {
            journal.add("smoke " + v + p);
            return true;
        });
    }

    /** Moves the manual clock instead of sleeping. */
    final Waiter waiter = new Waiter() {
        @Override
        public void awaitUntil(Instant deadline, BooleanSupplier wake) {
            if (wake.getAsBoolean()) {
                return;
            }
            if (deadline == null) {
                onForever.run();
                if (!wake.getAsBoolean()) {
                    throw new AssertionError("engine would wait forever");
                }
                return;
            }
            clock.advanceTo(deadline);
        }

        @Override
        public void wakeUp() {}
    };

    final class Driver implements InstanceDriver {
        final Map<String, Instance> running = new ConcurrentHashMap<>();
        final Set<String> neverReady = new HashSet<>();
        /** Versions whose instances exit at once with code 127, their log saying the command was not found. */
        final Set<String> failingVersions = new HashSet<>();
        int probesUntilReady = 2;
        /** Runs as each instance starts, before it exists. */
        Runnable beforeStart = () -> {};
        private final Map<String, Integer> probes = new ConcurrentHashMap<>();
        private int counter;
        final List<CrashListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Instance start(String version) {
            beforeStart.run();
            Instance i = new Instance(version + "-" + (++counter), version, "127.0.0.1", 41000 + counter, 500 + counter,
                    clock.instant());
            running.put(i.id(), i);
            journal.add("start " + i.id());
            if (failingVersions.contains(version)) {
                crash(i.id(), 127);
            }
            return i;
        }

        @Override
        public List<String> logTail(Instance i, int lines) {
            return failingVersions.contains(i.version()) ? List.of("sh: 1: /nonexistent/bin/myserver: not found") : List.of();
        }

        @Override
        public InstanceState probe(Instance i) {
            if (!running.containsKey(i.id())) {
                return InstanceState.FAILED;
            }
            if (neverReady.contains(i.version())) {
                return InstanceState.STARTING;
            }
            return probes.merge(i.id(), 1, Integer::sum) >= probesUntilReady ? InstanceState.READY : InstanceState.STARTING;
        }

        @Override
        public StopOutcome stop(Instance i, Duration grace) {
            journal.add("stop " + i.id() + " grace " + Durations.format(grace));
            return running.remove(i.id()) == null ? StopOutcome.ALREADY_STOPPED : StopOutcome.EXITED;
        }

        @Override
        public List<Instance> recorded() {
            return List.copyOf(running.values());
        }

        @Override
        public Optional<Instance> adopt(Instance recorded) {
            return Optional.ofNullable(running.get(recorded.id()));
        }

        @Override
        public Registration onCrash(CrashListener l) {
            listeners.add(l);
            return () -> listeners.remove(l);
        }

        void crash(String id) {
            crash(id, 3);
        }

        void crash(String id, int code) {
            Instance i = running.remove(id);
            journal.add("crash " + id);
            listeners.forEach(l -> l.crashed(i, code));
        }
    }

    final class Traffic implements TrafficControl {
        volatile Map<String, List<InstanceAddress>> routes = Map.of();
        volatile Map<String, Integer> weights = Map.of();
        /** What each version had served before the test began (its history), cumulative. */
        final Map<String, HttpStats> history = new LinkedHashMap<>();
        /** What each version serves between two readings of the metrics (each reading adds this once more). */
        final Map<String, HttpStats> perReading = new LinkedHashMap<>();
        private int readings;

        @Override
        public void setRoutes(Map<String, List<InstanceAddress>> r) {
            routes = r;
        }

        @Override
        public void setWeights(Map<String, Integer> w) {
            journal.add("weights " + w);
            weights = w;
        }

        @Override
        public void setPreview(String version) {
            journal.add("preview " + version);
        }

        @Override
        public void drain(InstanceAddress b) {
            journal.add("drain " + b.id());
        }

        @Override
        public boolean awaitIdle(InstanceAddress b, Duration timeout) {
            journal.add("idle " + b.id());
            return true;
        }

        @Override
        public synchronized Map<String, HttpCounters> metrics() {
            readings++;
            Map<String, HttpCounters> out = new LinkedHashMap<>();
            Set<String> versions = new java.util.TreeSet<>(history.keySet());
            versions.addAll(perReading.keySet());
            for (String v : versions) {
                HttpCounters past = counters(history.getOrDefault(v, HttpStats.NONE), 1);
                HttpCounters now = counters(perReading.getOrDefault(v, HttpStats.NONE), readings);
                List<Long> buckets = new ArrayList<>();
                for (int i = 0; i < BOUNDS.size(); i++) {
                    buckets.add(past.buckets().get(i) + now.buckets().get(i));
                }
                out.put(v, new HttpCounters(past.requests() + now.requests(), past.errors() + now.errors(), BOUNDS,
                        buckets, past.responses() + now.responses()));
            }
            return out;
        }
    }

    static final List<Duration> BOUNDS = List.of(Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100),
            Duration.ofSeconds(1), Duration.ofSeconds(10));

    /** {@code times} readings of {@code s}: every response took {@code s.p99()}. */
    static HttpCounters counters(HttpStats s, long times) {
        List<Long> buckets = new ArrayList<>();
        for (Duration bound : BOUNDS) {
            buckets.add(s.p99() != null && s.p99().compareTo(bound) <= 0 ? s.requests() * times : 0);
        }
        return new HttpCounters(s.requests() * times, s.errors() * times, BOUNDS, buckets, s.requests() * times);
    }

    final class Jobs implements JobShares {
        volatile Map<String, Integer> shares = Map.of();

        @Override
        public void setShares(LinkedHashMap<String, Integer> s) {
            journal.add("shares " + s);
            shares = s;
        }

        @Override
        public void clear() {
            journal.add("shares cleared");
            shares = Map.of();
        }

        @Override
        public int retryFailedBy(String version, Instant since) {
            journal.add("retry failed jobs of " + version);
            return 7;
        }

        @Override
        public Map<String, JobStats> stats(Instant since) {
            return Map.of();
        }
    }

    /** Starts {@code n} instances of {@code version} as already READY and routed, as after an earlier deploy. */
    List<InstanceView> running(String version, int n) {
        List<InstanceView> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(new InstanceView(driver.start(version), InstanceState.READY, clock.instant()));
        }
        journal.clear();
        return out;
    }
}
