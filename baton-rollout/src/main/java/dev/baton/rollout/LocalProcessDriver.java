package dev.baton.rollout;

import dev.baton.common.Durations;
import dev.baton.common.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instances as local OS processes. Each runs {@code setsid sh -c <run>} in its own session and process
 * group, so it outlives the controller; its output goes to {@code <base>/logs/<app>-<version>-<n>.log}
 * and its pid, port and version to {@code <base>/instances/<id>.json}, from which a restarted controller
 * adopts it. Readiness is an HTTP GET of the readiness path; stop signals the whole process group.
 */
public final class LocalProcessDriver implements InstanceDriver {
    private static final Logger log = LoggerFactory.getLogger(LocalProcessDriver.class);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final String HOST = "127.0.0.1";

    private final AppSpec spec;
    private final Path logs;
    private final InstanceRecords records;
    private final Clock clock;
    private final HttpClient http;
    private final ProcessTable table;

    /**
     * What every driver derived by {@link #withSpec} shares: the crash listeners and the stops in progress, so an
     * instance started through one driver and stopped through another is not reported as crashed.
     */
    private static final class ProcessTable {
        final List<CrashListener> listeners = new CopyOnWriteArrayList<>();
        final Set<String> stopping = ConcurrentHashMap.newKeySet();
        final Map<String, CompletableFuture<StopOutcome>> stops = new ConcurrentHashMap<>();
        volatile PortRange ports = PortRange.ANY;
    }

    public LocalProcessDriver(AppSpec spec, Path baseDir, Clock clock) {
        this(spec, baseDir.resolve("logs"), new InstanceRecords(baseDir.resolve("instances")), clock,
                HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build(), new ProcessTable());
    }

    /**
     * A driver over the instances recorded under {@code baseDir}, with no spec: it lists and stops them
     * ({@code baton down} without a control plane) but cannot start or probe one.
     */
    public static LocalProcessDriver recordedUnder(Path baseDir, Clock clock) {
        return new LocalProcessDriver(null, baseDir, clock);
    }

    private LocalProcessDriver(AppSpec spec, Path logs, InstanceRecords records, Clock clock, HttpClient http,
                               ProcessTable table) {
        this.spec = spec;
        this.logs = logs;
        this.records = records;
        this.clock = clock;
        this.http = http;
        this.table = table;
    }

    /**
     * A driver for another spec (another command, environment or readiness path) over the same processes: crash
     * listeners registered on either hear every instance, and a stop through either is never taken for a crash.
     */
    public LocalProcessDriver withSpec(AppSpec other) {
        return new LocalProcessDriver(other, logs, records, clock, http, table);
    }

    /** Confines the ports of instances started from now on (by this driver and every one derived from it). */
    public LocalProcessDriver usePorts(PortRange range) {
        table.ports = range;
        return this;
    }

    /** Where an instance's output goes. */
    public Path logFile(String instanceId) {
        return logs.resolve(instanceId + ".log");
    }

    @Override
    public synchronized Instance start(String version) {
        try {
            PrivateFiles.directory(logs);
            int port = table.ports.free(HOST, records.all().stream().map(InstanceRecords.Entry::port)
                    .collect(java.util.stream.Collectors.toSet()));
            String id = spec.app() + "-" + version + "-" + nextNumber(version);
            ProcessBuilder pb = new ProcessBuilder("setsid", "sh", "-c", spec.command(version, port));
            pb.environment().putAll(spec.env());
            pb.environment().put("PORT", Integer.toString(port));
            pb.environment().put("BATON_PORT", Integer.toString(port));
            pb.environment().put("BATON_APP", spec.app());
            pb.environment().put("BATON_VERSION", version);
            pb.environment().put("BATON_INSTANCE", id);
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(PrivateFiles.file(logFile(id)).toFile()));
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process p = pb.start();
            Instance i = new Instance(id, version, HOST, port, p.pid(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
            long processStart = p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            records.write(new InstanceRecords.Entry(id, version, HOST, port, p.pid(), i.startedAt().toEpochMilli(), processStart));
            p.onExit().thenAccept(done -> exited(i, done.exitValue()));
            log.info("started {} (pid {}, port {}), log {}", id, p.pid(), port, logFile(id));
            return i;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + version + " of " + spec.app() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InstanceState probe(Instance i) {
        if (handle(i).isEmpty()) {
            return InstanceState.FAILED;
        }
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + i.host() + ":" + i.port() + spec.web().readiness()))
                    .timeout(PROBE_TIMEOUT).GET().build();
            int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 300 ? InstanceState.READY : InstanceState.STARTING;
        } catch (IOException e) {
            return InstanceState.STARTING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return InstanceState.STARTING;
        }
    }

    @Override
    public StopOutcome stop(Instance i, Duration grace) {
        // A second stop of the same instance waits for the first instead of signalling again.
        CompletableFuture<StopOutcome> mine = new CompletableFuture<>();
        CompletableFuture<StopOutcome> running = table.stops.putIfAbsent(i.id(), mine);
        if (running != null) {
            return running.join();
        }
        try {
            StopOutcome outcome = terminate(i, grace);
            mine.complete(outcome);
            return outcome;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            table.stops.remove(i.id());
        }
    }

    private StopOutcome terminate(Instance i, Duration grace) {
        table.stopping.add(i.id());
        Optional<ProcessHandle> leader = handle(i);
        if (leader.isEmpty()) {
            records.delete(i.id());
            return StopOutcome.ALREADY_STOPPED;
        }
        List<ProcessHandle> group = Stream.concat(leader.stream(), leader.get().descendants()).toList();
        signalGroup(i.pid(), "TERM");
        StopOutcome outcome = StopOutcome.EXITED;
        if (!awaitExit(group, grace)) {
            log.warn("{} still running {} after SIGTERM: SIGKILL", i.id(), Durations.format(grace));
            signalGroup(i.pid(), "KILL");
            group.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            awaitExit(group, KILL_WAIT);
            outcome = StopOutcome.KILLED;
        }
        records.delete(i.id());
        log.info("stopped {} ({})", i.id(), outcome);
        return outcome;
    }

    @Override
    public List<String> logTail(Instance instance, int lines) {
        Path file = logFile(instance.id());
        try (Stream<String> all = Files.lines(file)) {
            java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
            all.forEach(line -> {
                tail.addLast(line);
                if (tail.size() > lines) {
                    tail.removeFirst();
                }
            });
            return List.copyOf(tail);
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    @Override
    public List<Instance> recorded() {
        return records.all().stream().map(InstanceRecords.Entry::instance).toList();
    }

    @Override
    public Optional<Instance> adopt(Instance recorded) {
        Optional<ProcessHandle> h = handle(recorded);
        if (h.isEmpty()) {
            records.delete(recorded.id());
            return Optional.empty();
        }
        h.get().onExit().thenAccept(done -> exited(recorded, -1));
        log.info("adopted {} (pid {}, port {})", recorded.id(), recorded.pid(), recorded.port());
        return Optional.of(recorded);
    }

    @Override
    public Registration onCrash(CrashListener listener) {
        table.listeners.add(listener);
        return () -> table.listeners.remove(listener);
    }

    private void exited(Instance i, int code) {
        if (table.stopping.contains(i.id())) {
            return;
        }
        log.warn("{} exited on its own with code {}", i.id(), code);
        records.delete(i.id());
        for (CrashListener l : table.listeners) {
            try {
                l.crashed(i, code);
            } catch (RuntimeException e) {
                log.warn("crash listener failed for {}", i.id(), e);
            }
        }
    }

    /** The live process of an instance, if it is still the one we started (its start time matches the record). */
    private Optional<ProcessHandle> handle(Instance i) {
        Optional<ProcessHandle> h = ProcessHandle.of(i.pid()).filter(ProcessHandle::isAlive);
        Optional<InstanceRecords.Entry> rec = records.read(i.id());
        if (h.isPresent() && rec.isPresent() && rec.get().processStartMs() != 0) {
            long actual = h.get().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            if (actual != 0 && Math.abs(actual - rec.get().processStartMs()) > 1000) {
                return Optional.empty();
            }
        }
        return h;
    }

    private static boolean awaitExit(List<ProcessHandle> group, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle p : group) {
            long left = deadline - System.nanoTime();
            try {
                p.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                // onExit never completes exceptionally
            }
        }
        return true;
    }

    /** kill -s SIG -- -pgid: the instance was started by setsid, so its pid is its process group id. */
    private static void signalGroup(long pgid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            log.warn("cannot send SIG{} to process group {}: {}", signal, pgid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int nextNumber(String version) throws IOException {
        Pattern p = Pattern.compile(Pattern.quote(spec.app() + "-" + version + "-") + "(\\d+)\\.log");
        int max = 0;
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = p.matcher(f.getFileName().toString());
                if (m.matches()) {
                    max = Math.max(max, Integer.parseInt(m.group(1)));
                }
            }
        }
        return max + 1;
    }

}
