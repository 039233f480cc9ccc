package dev.baton.server;

import dev.baton.common.Durations;
import dev.baton.postgres.EmbeddedDatabase;
import dev.baton.rollout.InstanceAddress;
import dev.baton.rollout.Instance;
import dev.baton.rollout.InstanceDriver;
import dev.baton.rollout.LocalProcessDriver;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Stops what a home's records name, with no control plane: every recorded instance in the removal order (out of
 * the proxy's routes, in-flight requests finish, SIGTERM to its process group, SIGKILL after the grace period),
 * then the proxy (SIGTERM: it finishes what is in flight; SIGKILL after the grace period), then the embedded
 * PostgreSQL (fast shutdown). It waits for each to be gone and reports each as it goes. The caller holds the
 * home's {@link HomeLock}, so no control plane starts meanwhile.
 */
final class DataPlaneStop {
    /** What was stopped: instance ids, the proxy's pid (0: none) and whether PostgreSQL was. */
    record Stopped(List<String> instances, long proxyPid, boolean database) {
        boolean nothing() {
            return instances.isEmpty() && proxyPid == 0 && !database;
        }
    }

    private final BatonHome home;
    private final Duration grace;
    private final PrintWriter progress;

    DataPlaneStop(BatonHome home, Duration grace, PrintWriter progress) {
        this.home = home;
        this.grace = grace;
        this.progress = progress;
    }

    Stopped stopAll() {
        Optional<ProxyProcess> proxy = ProxyProcess.recorded(home);
        List<String> instances = stopInstances(proxy.filter(p -> p.admin().answers()).map(p -> new ProxyTrafficControl(p.admin(), p.listenHost(), p.previewPort(), null)));
        long proxyPid = proxy.map(this::stopProxy).orElse(0L);
        boolean database = stopDatabase();
        return new Stopped(instances, proxyPid, database);
    }

    private List<String> stopInstances(Optional<ProxyTrafficControl> traffic) {
        LocalProcessDriver driver = LocalProcessDriver.recordedUnder(home.dir(), Clock.systemUTC());
        List<Instance> recorded = driver.recorded();
        if (recorded.isEmpty()) {
            return List.of();
        }
        say("stopping %d instance(s): out of routing, in-flight requests finish, SIGTERM, SIGKILL after %s",
                recorded.size(), Durations.format(grace));
        List<CompletableFuture<String>> stops = new ArrayList<>();
        for (Instance i : recorded) {
            stops.add(CompletableFuture.supplyAsync(() -> stopInstance(driver, traffic, i),
                    r -> Thread.ofVirtual().start(r)));
        }
        List<String> stopped = new ArrayList<>();
        for (CompletableFuture<String> s : stops) {
            String id = s.join();
            if (id != null) {
                stopped.add(id);
            }
        }
        return stopped;
    }

    /** The instance's id when it was running and is stopped now, else null. */
    private String stopInstance(LocalProcessDriver driver, Optional<ProxyTrafficControl> traffic, Instance i) {
        long t0 = System.nanoTime();
        boolean alive = ProcessHandle.of(i.pid()).map(ProcessHandle::isAlive).orElse(false);
        if (alive && traffic.isPresent()) {
            try {
                InstanceAddress b = InstanceAddress.of(i);
                traffic.get().drain(b);
                if (!traffic.get().awaitIdle(b, grace)) {
                    say("  %s: requests still in flight after %s; stopping it anyway", i.id(),
                            Durations.format(grace));
                }
            } catch (RuntimeException e) {
                say("  %s: the proxy could not drain it (%s); stopping it anyway", i.id(), e.getMessage());
            }
        }
        InstanceDriver.StopOutcome outcome = driver.stop(i, grace);
        if (outcome == InstanceDriver.StopOutcome.ALREADY_STOPPED) {
            say("  %s (pid %d): was not running; record removed", i.id(), i.pid());
            return null;
        }
        say("  %s (pid %d): %s after %s", i.id(), i.pid(), outcome == InstanceDriver.StopOutcome.KILLED
                ? "killed (SIGKILL)" : "stopped", seconds(t0));
        return i.id();
    }

    private long stopProxy(ProxyProcess proxy) {
        long t0 = System.nanoTime();
        say("stopping the proxy (pid %d)", proxy.pid());
        proxy.stop(grace);
        say("  proxy (pid %d): stopped after %s", proxy.pid(), seconds(t0));
        return proxy.pid();
    }

    private boolean stopDatabase() {
        Optional<EmbeddedDatabase> db = EmbeddedDatabase.adoptRunning(home.pgDir());
        if (db.isEmpty()) {
            return false;
        }
        long t0 = System.nanoTime();
        say("stopping the embedded PostgreSQL (%s)", home.pgDir());
        db.get().close();
        say("  PostgreSQL: stopped after %s", seconds(t0));
        return true;
    }

    private void say(String format, Object... args) {
        progress.println("baton: " + format.formatted(args));
        progress.flush();
    }

    private static String seconds(long t0) {
        return String.format("%.1f s", (System.nanoTime() - t0) / 1e9);
    }
}
