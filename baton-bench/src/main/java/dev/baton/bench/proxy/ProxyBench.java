package dev.baton.bench.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.baton.bench.BenchRun;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton bench proxy}: wrk against one fast backend three ways — direct, through HAProxy (the
 * baseline) and through Baton — in interleaved rounds, on each of several loads (small GETs, 1,000
 * connections, 16 KB POST bodies), and the ratios of the medians: requests per second, p99, the
 * proxy's CPU per request, and the bytes Baton's event loops allocate per request.
 *
 * <p>Fairness: wrk, the backend and the proxy are three separate processes in every variant (the
 * backend in its own JVM, Baton as {@code ProxyMain} in its own JVM configured through its admin
 * API, HAProxy as itself), both proxies get the same number of threads, and the targets take turns
 * round after round (the order rotates) so that a noisy moment on the shared machine hits them all.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "wrk against a backend directly, through HAProxy and through Baton, in interleaved rounds, "
                + "on several loads.",
        footer = "--quick: about a minute per load, 3 rounds of 3 s per target. Warm-ups: Baton until its CPU per request "
                + "stops falling on the first load (16-40 s; 4-10 s with --quick), 10 s on the others (2 s with --quick); "
                + "HAProxy and direct 5 s (1 s with --quick).")
public final class ProxyBench implements Callable<Integer> {

    @Mixin
    BenchRun run;

    @Spec
    CommandSpec spec;

    @Option(names = "--rounds", description = "Rounds; each measures every target once (default 5; 3 with --quick).")
    Integer rounds;

    @Option(names = "--seconds", description = "Measured seconds per target and round (default 10; 3 with --quick).")
    Integer seconds;

    @Option(names = "--warm-up", description = "Seconds every target warms up on every load, instead of the rule "
            + "below (0: none; Baton's JIT is then still compiling: for a smoke run, not for numbers).")
    Integer warmUp;

    @Option(names = "--connections", defaultValue = "64", description = "wrk connections of the get and post16k "
            + "loads (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--wrk-threads", defaultValue = "2", description = "wrk threads (default ${DEFAULT-VALUE}).")
    int wrkThreads;

    @Option(names = "--proxy-threads", description = "Threads of each proxy: HAProxy nbthread and Baton io threads "
            + "(default: one per core).")
    Integer proxyThreads;

    @Option(names = "--baton-jvm-opts", defaultValue = "", description = "Extra JVM options for the Baton process, "
            + "e.g. a JFR recording: -XX:StartFlightRecording=filename=baton.jfr,settings=profile")
    String batonJvmOpts;

    @Option(names = "--loads", split = ",", defaultValue = "get,c1000,post16k", description = "Loads to run, "
            + "comma-separated: get (small GETs on --connections), c1000 (the same on 1,000 connections), post16k "
            + "(16 KB POST bodies on --connections); default ${DEFAULT-VALUE}.")
    List<String> loads;

    private static final List<String> TARGETS = List.of("direct", "haproxy", "baton");

    private boolean batonWarm;

    @Override
    public Integer call() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = proxyThreads != null ? proxyThreads : cores;
        int roundCount = rounds != null ? rounds : run.quick ? 3 : 5;
        int measured = seconds != null ? seconds : run.quick ? 3 : 10;
        // Baton's JVM compiles its hot path during the first seconds under load (longer when the machine is
        // busy), so it warms until its CPU per request stops falling; HAProxy needs no warm-up, and the
        // backend's JVM is warmed by every warm-up. Baton warms first, so the backend is warm for the others.
        // Each later load (new connections, bodies) gets a short warm-up of every target of its own.
        int batonMin = run.quick ? 4 : 16;
        int batonMax = run.quick ? 10 : 40;
        int otherWarmUp = run.quick ? 1 : 5;
        if (connections < 1 || wrkThreads < 1 || connections < wrkThreads || threads < 1 || roundCount < 1
                || measured < 1) {
            System.err.println("--connections, --wrk-threads, --proxy-threads, --rounds and --seconds must be >= 1, "
                    + "and connections >= wrk threads");
            return 2;
        }
        if (warmUp != null && warmUp < 0) {
            System.err.println("--warm-up: must be >= 0 seconds, got " + warmUp);
            return 2;
        }
        List<Load> chosen = new ArrayList<>();
        for (String name : loads) {
            Load l = Load.defaults(connections).stream().filter(x -> x.name().equals(name.trim())).findFirst()
                    .orElse(null);
            if (l == null) {
                System.err.println("--loads: unknown load '" + name + "'; allowed: get, c1000, post16k");
                return 2;
            }
            chosen.add(l);
        }
        if (!ensureTools()) {
            return 3;
        }
        Map<Load, Map<String, TargetRuns>> results = new LinkedHashMap<>();
        try (JavaChild backend = JavaChild.start("backend", List.of(), FastBackend.class.getName(), List.of("1"),
                FastBackend.READY)) {
            int backendPort = Integer.parseInt(backend.readyValue("port"));
            try (Haproxy haproxy = new Haproxy(backendPort, threads);
                 BatonProcess baton = new BatonProcess(backendPort, threads, jvmOptions(batonJvmOpts))) {
                Map<String, Integer> ports = Map.of("direct", backendPort, "haproxy", haproxy.port(),
                        "baton", baton.port());
                Map<String, Long> proxyPids = Map.of("haproxy", haproxy.pid(), "baton", baton.pid());
                LoopAllocation allocation = attachAllocation(baton.pid());
                try {
                    for (Load load : chosen) {
                        Path script = load.bodyBytes() > 0 ? Wrk.postScript(load.bodyBytes()) : null;
                        try {
                            say("load %s: %s", load.name(), load.describe());
                            Map<String, TargetRuns> runs = new LinkedHashMap<>();
                            TARGETS.forEach(t -> runs.put(t, new TargetRuns(t)));
                            if (warmUp != null) {
                                warmEach(ports, load, script, warmUp);
                            } else if (results.isEmpty()) {
                                batonWarm = warmUntilSteady(baton.port(), baton.pid(), load, script, batonMin, batonMax);
                                if (!batonWarm) {
                                    say("baton: CPU per request still falling after %d s of warm-up (the machine is "
                                            + "busy); its first rounds include JIT compilation: prefer a run without "
                                            + "--quick", batonMax);
                                }
                            } else {
                                say("baton: warm-up %d s", otherWarmUp * 2);
                                Wrk.run(baton.port(), wrkThreads, load.connections(), otherWarmUp * 2, script);
                            }
                            for (String t : warmUp != null ? List.<String>of() : List.of("haproxy", "direct")) {
                                say("%s: warm-up %d s", t, otherWarmUp);
                                Wrk.run(ports.get(t), wrkThreads, load.connections(), otherWarmUp, script);
                            }
                            for (int r = 0; r < roundCount; r++) {
                                for (int i = 0; i < TARGETS.size(); i++) {
                                    String t = TARGETS.get((i + r) % TARGETS.size()); // rotate who goes first
                                    TargetRuns.Round round = measure(ports.get(t), proxyPids.get(t), backend.pid(),
                                            t.equals("baton") ? allocation : null, load, script, measured);
                                    say("%s round %d %-7s %8.0f req/s  p50 %.3f ms  p99 %.3f ms  errors %d  "
                                                    + "proxy CPU %.1f us/req  %.0f B/req", load.name(), r + 1, t,
                                            round.wrk().requestsPerSecond(), round.wrk().p50Ms(), round.wrk().p99Ms(),
                                            round.wrk().errors(), round.proxyCpuMicrosPerRequest(),
                                            round.proxyAllocatedBytesPerRequest());
                                    runs.get(t).rounds().add(round);
                                }
                            }
                            results.put(load, runs);
                        } finally {
                            if (script != null) {
                                Files.deleteIfExists(script);
                            }
                        }
                    }
                } finally {
                    if (allocation != null) {
                        allocation.close();
                    }
                }
            }
        }
        report(results, cores, threads, roundCount, measured);
        return 0;
    }

    /** The fixed warm-up of {@code --warm-up}: every target for the same time (none for 0). */
    private void warmEach(Map<String, Integer> ports, Load load, Path script, int warmSeconds) throws Exception {
        if (warmSeconds == 0) {
            return;
        }
        for (String t : TARGETS) {
            say("%s: warm-up %d s", t, warmSeconds);
            Wrk.run(ports.get(t), wrkThreads, load.connections(), warmSeconds, script);
        }
    }

    /** One measured wrk run of one target, with the proxy's and the backend's CPU and the loops' allocations. */
    private TargetRuns.Round measure(int port, Long proxyPid, long backendPid, LoopAllocation allocation, Load load,
                                     Path script, int measured) throws Exception {
        double proxyCpu = proxyPid == null ? 0 : ProcessCpu.micros(proxyPid);
        double backendCpu = ProcessCpu.micros(backendPid);
        long allocated = allocation == null ? 0 : allocation.bytes();
        Wrk.Result res = Wrk.run(port, wrkThreads, load.connections(), measured, script);
        double n = Math.max(1, res.requests());
        double bytes = allocation == null ? Double.NaN : (allocation.bytes() - allocated) / n;
        return new TargetRuns.Round(res, proxyPid == null ? 0 : (ProcessCpu.micros(proxyPid) - proxyCpu) / n,
                (ProcessCpu.micros(backendPid) - backendCpu) / n, bytes);
    }

    private static LoopAllocation attachAllocation(long pid) {
        try {
            return LoopAllocation.attach(pid, "baton-proxy-io");
        } catch (IOException | RuntimeException e) {
            say("cannot read Baton's allocations (%s); bytes per request not reported", e.getMessage());
            return null;
        }
    }

    /**
     * Runs wrk in 2 s steps (at least {@code minSeconds}, at most {@code maxSeconds}) until the process's
     * CPU per request has improved by less than 5 % twice in a row.
     */
    private boolean warmUntilSteady(int port, long pid, Load load, Path script, int minSeconds, int maxSeconds)
            throws Exception {
        double best = Double.MAX_VALUE;
        int flat = 0;
        for (int spent = 0; spent < maxSeconds; ) {
            double before = ProcessCpu.micros(pid);
            Wrk.Result r = Wrk.run(port, wrkThreads, load.connections(), 2, script);
            spent += 2;
            double cpu = (ProcessCpu.micros(pid) - before) / Math.max(1, r.requests());
            say("baton: warm-up %d s, %.0f req/s, %.1f us CPU per request", spent, r.requestsPerSecond(), cpu);
            flat = cpu < best * 0.95 ? 0 : flat + 1;
            if (spent >= minSeconds && flat >= 2) {
                return true;
            }
            best = Math.min(best, cpu);
        }
        return false;
    }

    /** Baton against HAProxy on one load: ratios of the medians, and whether the aim is met. */
    private record Ratios(double rpsVsHaproxy, double p99VsHaproxy, double rpsVsDirect, double cpuVsHaproxy) {
        static Ratios of(Map<String, TargetRuns> runs) {
            TargetRuns baton = runs.get("baton");
            TargetRuns haproxy = runs.get("haproxy");
            return new Ratios(baton.medianRps() / haproxy.medianRps(), baton.medianP99Ms() / haproxy.medianP99Ms(),
                    baton.medianRps() / runs.get("direct").medianRps(),
                    baton.medianProxyCpu() / haproxy.medianProxyCpu());
        }

        /** The aim of docs/benchmarks.md: >= 1.1x req/s, p99 <= 1.0x, CPU per request <= 0.9x HAProxy's. */
        boolean aimMet() {
            return rpsVsHaproxy >= 1.1 && p99VsHaproxy <= 1.0 && cpuVsHaproxy <= 0.9;
        }
    }

    private void report(Map<Load, Map<String, TargetRuns>> results, int cores, int threads, int roundCount,
                        int measured) throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        String jdk = System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version");
        if (run.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "proxy");
            out.put("cores", cores);
            out.put("proxyThreads", threads);
            out.put("jdk", jdk);
            out.put("wrk", Map.of("threads", wrkThreads, "seconds", measured, "rounds", roundCount,
                    "version", Wrk.version()));
            out.put("haproxyVersion", Haproxy.version());
            List<Object> loadsOut = new ArrayList<>();
            results.forEach((load, runs) -> {
                Ratios q = Ratios.of(runs);
                Map<String, Object> targets = new LinkedHashMap<>();
                runs.forEach((name, t) -> targets.put(name, Map.of("rounds", t.rounds(), "median",
                        Map.of("requestsPerSecond", round(t.medianRps()), "p50Ms", round(t.medianP50Ms()),
                                "p99Ms", round(t.medianP99Ms()), "proxyCpuMicrosPerRequest",
                                round(t.medianProxyCpu()), "backendCpuMicrosPerRequest", round(t.medianBackendCpu()),
                                "proxyAllocatedBytesPerRequest", round(t.medianAllocated())), "errors", t.errors())));
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("load", load.name());
                l.put("connections", load.connections());
                l.put("bodyBytes", load.bodyBytes());
                l.put("targets", targets);
                l.put("ratios", Map.of("batonToHaproxyRps", round(q.rpsVsHaproxy()), "batonToHaproxyP99",
                        round(q.p99VsHaproxy()), "batonToDirectRps", round(q.rpsVsDirect()),
                        "batonToHaproxyCpuPerRequest", round(q.cpuVsHaproxy())));
                l.put("aimMet", q.aimMet());
                loadsOut.add(l);
            });
            out.put("loads", loadsOut);
            out.put("batonWarmedUp", batonWarm);
            stdout.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
            return;
        }
        stdout.printf("Proxy benchmark: wrk -t%d, %d interleaved rounds of %d s per target and load; %d cores; "
                        + "proxies %d threads each; %s; %s; %s%n", wrkThreads, roundCount, measured, cores,
                threads, Haproxy.version(), Wrk.version(), jdk);
        results.forEach((load, runs) -> {
            stdout.printf("%nLoad %s: %s%n", load.name(), load.describe());
            stdout.printf("%-8s %-7s %10s %9s %9s %7s %14s %16s %12s%n", "round", "target", "req/s", "p50 ms",
                    "p99 ms", "errors", "proxy us/req", "backend us/req", "loop B/req");
            for (int r = 0; r < roundCount; r++) {
                for (TargetRuns t : runs.values()) {
                    TargetRuns.Round x = t.rounds().get(r);
                    stdout.printf("%-8d %-7s %10.0f %9.3f %9.3f %7d %14.1f %16.1f %12s%n", r + 1, t.target(),
                            x.wrk().requestsPerSecond(), x.wrk().p50Ms(), x.wrk().p99Ms(), x.wrk().errors(),
                            x.proxyCpuMicrosPerRequest(), x.backendCpuMicrosPerRequest(),
                            bytes(x.proxyAllocatedBytesPerRequest()));
                }
            }
            for (TargetRuns t : runs.values()) {
                stdout.printf("%-8s %-7s %10.0f %9.3f %9.3f %7d %14.1f %16.1f %12s%n", "median", t.target(),
                        t.medianRps(), t.medianP50Ms(), t.medianP99Ms(), t.errors(), t.medianProxyCpu(),
                        t.medianBackendCpu(), bytes(t.medianAllocated()));
            }
            Ratios q = Ratios.of(runs);
            stdout.printf("%s: Baton/HAProxy req/s %.2fx, p99 %.2fx, proxy CPU per request %.2fx; Baton/direct "
                            + "req/s %.2fx (ratios of medians); aim (>=1.1x req/s, p99 <=1.0x, CPU <=0.9x) %s%n",
                    load.name(), q.rpsVsHaproxy(), q.p99VsHaproxy(), q.cpuVsHaproxy(), q.rpsVsDirect(),
                    q.aimMet() ? "met" : "NOT met");
        });
        if (!batonWarm) {
            stdout.println("Baton's warm-up had not settled: its JIT was still compiling in the first rounds.");
        }
    }

    private static String bytes(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.0f", v);
    }

    private static List<String> jvmOptions(String text) {
        return text.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(text.trim().split("\\s+")));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Runs scripts/bench-tools (installs wrk and haproxy when missing) if this checkout has it. */
    private static boolean ensureTools() throws IOException, InterruptedException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("scripts/bench-tools");
            if (Files.isExecutable(script)) {
                Process p = new ProcessBuilder(script.toString()).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                // its output goes to stderr; stdout is kept clean for --json
                return p.waitFor() == 0;
            }
        }
        say("scripts/bench-tools not found; expecting wrk and haproxy on PATH");
        return true;
    }

    private static void say(String format, Object... args) {
        System.err.printf("bench proxy: " + format + "%n", args);
    }
}
