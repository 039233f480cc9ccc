package dev.baton.server;

import dev.baton.common.Durations;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code baton down}: stops everything a home runs, whether or not its control plane is running or answers.
 * The control plane (the holder of the home's lock) gets SIGTERM and is waited for (SIGKILL after
 * {@code --timeout}); then, holding the lock so that no control plane starts meanwhile, {@link DataPlaneStop}
 * stops every recorded instance in the removal order, the proxy and the embedded PostgreSQL, and says what it
 * stopped.
 */
@Command(name = "down", description = "Stop everything this home runs: the control plane, the instances (drained), "
        + "the proxy and the embedded PostgreSQL. Works without a running control plane.")
final class DownCommand implements Callable<Integer> {
    @Mixin
    CommonOptions o;

    @Option(names = "--grace", defaultValue = "30s",
            description = "How long in-flight requests may take, and how long after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE}).")
    String grace;

    @Option(names = "--timeout", defaultValue = "60s",
            description = "How long the control plane may take to stop before SIGKILL (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws Exception {
        Duration graceTime = duration("--grace", grace);
        Duration stopTime = duration("--timeout", timeout);
        if (o.kubeNamespace != null || o.kubeconfig != null || o.context != null) {
            throw ApiException.badRequest("--kube-namespace, --kubeconfig, --context: 'down' stops what a home on this "
                    + "machine runs; an install's control plane and proxies are Deployments (kubectl scale or delete them)");
        }
        BatonHome home = o.home();
        PrintWriter progress = o.progress();
        if (!Files.isDirectory(home.dir())) {
            throw ApiException.badRequest("--home: no Baton home at " + home.dir());
        }
        long controlPlane = stopControlPlane(home, stopTime, progress);
        DataPlaneStop.Stopped stopped;
        try (HomeLock lock = HomeLock.acquire(home)) {
            stopped = new DataPlaneStop(home, graceTime, progress).stopAll();
        }
        if (o.json) {
            o.printJson(Json.MAPPER.valueToTree(Map.of("controlPlanePid", controlPlane, "instances", stopped.instances(),
                    "proxyPid", stopped.proxyPid(), "database", stopped.database())));
        } else {
            List<String> what = new ArrayList<>();
            if (controlPlane > 0) {
                what.add("the control plane (pid " + controlPlane + ")");
            }
            if (!stopped.instances().isEmpty()) {
                what.add(stopped.instances().size() + " instance(s) " + String.join(", ", stopped.instances()));
            }
            if (stopped.proxyPid() > 0) {
                what.add("the proxy (pid " + stopped.proxyPid() + ")");
            }
            if (stopped.database()) {
                what.add("the embedded PostgreSQL");
            }
            o.out().println(what.isEmpty() ? "nothing was running in " + home.dir()
                    : "stopped " + String.join(", ", what) + "; nothing of " + home.dir() + " runs any more");
            o.out().flush();
        }
        return 0;
    }

    /** SIGTERM to the control plane holding the home, waiting for it (SIGKILL after {@code timeout}); its pid or 0. */
    private static long stopControlPlane(BatonHome home, Duration timeout, PrintWriter progress) throws InterruptedException {
        OptionalLong holder = HomeLock.holder(home);
        if (holder.isEmpty()) {
            return 0;
        }
        long pid = holder.getAsLong();
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return 0;
        }
        long t0 = System.nanoTime();
        progress.printf("baton: stopping the control plane (pid %d)%n", pid);
        progress.flush();
        handle.get().destroy();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (handle.get().isAlive()) {
            if (System.nanoTime() > deadline) {
                progress.printf("baton:   the control plane did not stop within %s: SIGKILL%n", Durations.format(timeout));
                handle.get().destroyForcibly();
                handle.get().onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
                break;
            }
            try {
                handle.get().onExit().get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                progress.printf("baton:   still waiting for the control plane (pid %d) to stop%n", pid);
                progress.flush();
            } catch (java.util.concurrent.ExecutionException e) {
                break;
            }
        }
        progress.printf("baton:   control plane (pid %d): stopped after %.1f s%n", pid, (System.nanoTime() - t0) / 1e9);
        progress.flush();
        return pid;
    }

    private static Duration duration(String field, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + ": must be " + Durations.ALLOWED + ", got '" + text + "'");
        }
    }
}
