package dev.baton.rollout;

import dev.baton.common.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes instances away in the one safe order: out of routing (the proxy stops sending new requests and
 * reusing their connections) → in-flight requests finish, up to {@code drain.timeout} → SIGTERM (a worker
 * drains its jobs) → SIGKILL only after {@code drain.jobs_hard} plus a margin. Instances stop in parallel.
 */
final class Removal {
    private static final Logger log = LoggerFactory.getLogger(Removal.class);
    private final InstanceDriver driver;
    private final TrafficControl traffic;
    private final Clock clock;

    Removal(InstanceDriver driver, TrafficControl traffic, Clock clock) {
        this.driver = driver;
        this.traffic = traffic;
        this.clock = clock;
    }

    /** Drains then stops; returns a line per instance describing how it ended. */
    List<String> remove(List<Instance> instances, DrainSpec drain) throws Exception {
        for (Instance i : instances) {
            traffic.drain(InstanceAddress.of(i));
        }
        Instant deadline = clock.instant().plus(drain.timeout());
        List<String> busy = new ArrayList<>();
        for (Instance i : instances) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (!traffic.awaitIdle(InstanceAddress.of(i), left.isNegative() ? Duration.ZERO : left)) {
                busy.add(i.id());
            }
        }
        if (!busy.isEmpty()) {
            log.warn("drain timeout {} passed with requests still in flight on {}", Durations.format(drain.timeout()), busy);
        }
        List<String> outcomes = new ArrayList<>();
        try (ExecutorService stoppers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<InstanceDriver.StopOutcome>> stops = new ArrayList<>();
            for (Instance i : instances) {
                stops.add(stoppers.submit(() -> driver.stop(i, drain.killAfter())));
            }
            for (int k = 0; k < instances.size(); k++) {
                outcomes.add(instances.get(k).id() + " " + stops.get(k).get().name().toLowerCase()
                        + (busy.contains(instances.get(k).id()) ? " (drain timed out)" : ""));
            }
        }
        return outcomes;
    }
}
