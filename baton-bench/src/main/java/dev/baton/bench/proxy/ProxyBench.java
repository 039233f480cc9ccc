package dev.baton.bench.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
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
import picocli.CommandLine.Option;

/**
 * {@code baton bench proxy}: wrk against one fast backend three ways — direct, through HAProxy (the
 * baseline) and through Baton — in interleaved rounds, and the ratios of the medians.
 *
 * <p>Fairness: wrk, the backend and the proxy are three separate processes in every variant (the
 * backend in its own JVM, Baton as {@code ProxyMain} in its own JVM configured through its admin
 * API, HAProxy as itself), both proxies get the same number of threads, and the targets take turns
 * round after round (the order rotates) so that a noisy moment on the shared machine hits them all.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "wrk against a backend directly, through HAProxy and through Baton, in interleaved rounds.",
        footer = "Warm-ups: Baton until its CPU per request stops falling (16-40 s; 4-10 s with --quick), the others "
                + "5 s (1 s with --quick).")
public final class ProxyBench implements Callable<Integer> {

    @Mixin
    BenchRun run;

    @Option(names = "--rounds", description = "Rounds; each measures every target once (default 5; 3 with --quick).")
    Integer rounds;

    @Option(names = "--seconds", description = "Measured seconds per target and round (default 10; 3 with --quick).")
    Integer seconds;

    @Option(names = "--connections", defaultValue = "64", description = "wrk connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--wrk-threads", defaultValue = "2", description = "wrk threads (default ${DEFAULT-VALUE}).")
    int wrkThreads;

    @Option(names = "--proxy-threads", description = "Threads of each proxy: HAProxy nbthread and Baton io threads "
            + "(default: one per core).")
    Integer proxyThreads;

    @Option(names = "--baton-jvm-opts", defaultValue = "", description = "Extra JVM options for the Baton process, "
            + "e.g. a JFR recording: -XX:StartFlightRecording=filename=baton.jfr,settings=profile")
    String batonJvmOpts;

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
        int batonMin = run.quick ? 4 : 16;
        int batonMax = run.quick ? 10 : 40;
        int otherWarmUp = run.quick ? 1 : 5;
        if (connections < 1 || wrkThreads < 1 || connections < wrkThreads || threads < 1 || roundCount < 1
                || measured < 1) {
            System.err.println("--connections, --wrk-threads, --proxy-threads, --rounds and --seconds must be >= 1, "
                    + "and connections >= wrk threads");
            return 2;
        }
        if (!ensureTools()) {
            return 3;
        }
        Map<String, TargetRuns> runs = new LinkedHashMap<>();
        TARGETS.forEach(t -> runs.put(t, new TargetRuns(t)));
        try (JavaChild backend = JavaChild.start("backend", List.of(), FastBackend.class.getName(), List.of("1"),
                FastBackend.READY)) {
            int backendPort = Integer.parseInt(backend.readyValue("port"));
            try (Haproxy haproxy = new Haproxy(backendPort, threads);
                 BatonProcess baton = new BatonProcess(backendPort, threads, jvmOptions(batonJvmOpts))) {
                Map<String, Integer> ports = Map.of("direct", backendPort, "haproxy", haproxy.port(),
                        "baton", baton.port());
                Map<String, Long> proxyPids = Map.of("haproxy", haproxy.pid(), "baton", baton.pid());
                batonWarm = warmUntilSteady(baton.port(), baton.pid(), batonMin, batonMax);
                if (!batonWarm) {
                    say("baton: CPU per request still falling after %d s of warm-up (the machine is busy); "
                            + "its first rounds include JIT compilation: prefer a run without --quick", batonMax);
                }
                for (String t : List.of("haproxy", "direct")) {
                    say("%s: warm-up %d s", t, otherWarmUp);
                    Wrk.run(ports.get(t), wrkThreads, connections, otherWarmUp);
                }
                for (int r = 0; r < roundCount; r++) {
                    for (int i = 0; i < TARGETS.size(); i++) {
                        String t = TARGETS.get((i + r) % TARGETS.size()); // rotate who goes first
                        Long proxyPid = proxyPids.get(t);
                        double proxyCpu = proxyPid == null ? 0 : ProcessCpu.micros(proxyPid);
                        double backendCpu = ProcessCpu.micros(backend.pid());
                        Wrk.Result res = Wrk.run(ports.get(t), wrkThreads, connections, measured);
                        double n = Math.max(1, res.requests());
                        var round = new TargetRuns.Round(res,
                                proxyPid == null ? 0 : (ProcessCpu.micros(proxyPid) - proxyCpu) / n,
                                (ProcessCpu.micros(backend.pid()) - backendCpu) / n);
                        say("round %d %-7s %8.0f req/s  p50 %.3f ms  p99 %.3f ms  errors %d  proxy CPU %.1f us/req",
                                r + 1, t, res.requestsPerSecond(), res.p50Ms(), res.p99Ms(), res.errors(),
                                round.proxyCpuMicrosPerRequest());
                        runs.get(t).rounds().add(round);
                    }
                }
            }
        }
        report(runs, cores, threads, roundCount, measured);
        return 0;
    }

    /**
     * Runs wrk in 2 s steps (at least {@code minSeconds}, at most {@code maxSeconds}) until the process's
     * CPU per request has improved by less than 5 % twice in a row.
     */
    private boolean warmUntilSteady(int port, long pid, int minSeconds, int maxSeconds) throws Exception {
        double best = Double.MAX_VALUE;
        int flat = 0;
        for (int spent = 0; spent < maxSeconds; ) {
            double before = ProcessCpu.micros(pid);
            Wrk.Result r = Wrk.run(port, wrkThreads, connections, 2);
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

    private void report(Map<String, TargetRuns> runs, int cores, int threads, int roundCount, int measured)
            throws IOException {
        TargetRuns baton = runs.get("baton");
        TargetRuns haproxy = runs.get("haproxy");
        TargetRuns direct = runs.get("direct");
        double rpsVsHaproxy = baton.medianRps() / haproxy.medianRps();
        double p99VsHaproxy = baton.medianP99Ms() / haproxy.medianP99Ms();
        double rpsVsDirect = baton.medianRps() / direct.medianRps();
        double cpuVsHaproxy = baton.medianProxyCpu() / haproxy.medianProxyCpu();
        boolean aimMet = rpsVsHaproxy >= 1.0 && p99VsHaproxy <= 1.5;
        String jdk = System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version");
        if (run.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "proxy");
            out.put("cores", cores);
            out.put("proxyThreads", threads);
            out.put("jdk", jdk);
            out.put("wrk", Map.of("threads", wrkThreads, "connections", connections, "seconds", measured,
                    "rounds", roundCount, "version", Wrk.version()));
            out.put("haproxyVersion", Haproxy.version());
            Map<String, Object> targets = new LinkedHashMap<>();
            runs.forEach((name, t) -> targets.put(name, Map.of("rounds", t.rounds(), "median",
                    Map.of("requestsPerSecond", round(t.medianRps()), "p50Ms", round(t.medianP50Ms()),
                            "p99Ms", round(t.medianP99Ms()), "proxyCpuMicrosPerRequest", round(t.medianProxyCpu()),
                            "backendCpuMicrosPerRequest", round(t.medianBackendCpu())), "errors", t.errors())));
            out.put("targets", targets);
            out.put("ratios", Map.of("batonToHaproxyRps", round(rpsVsHaproxy), "batonToHaproxyP99",
                    round(p99VsHaproxy), "batonToDirectRps", round(rpsVsDirect), "batonToHaproxyCpuPerRequest",
                    round(cpuVsHaproxy)));
            out.put("aimMet", aimMet);
            out.put("batonWarmedUp", batonWarm);
            System.out.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
            return;
        }
        System.out.printf("Proxy benchmark: wrk -t%d -c%d, %d interleaved rounds of %d s per target; %d cores; "
                        + "proxies %d threads each; %s; %s; %s%n", wrkThreads, connections, roundCount, measured, cores,
                threads, Haproxy.version(), Wrk.version(), jdk);
        System.out.printf("%-8s %-7s %10s %9s %9s %7s %14s %16s%n", "round", "target", "req/s", "p50 ms", "p99 ms",
                "errors", "proxy us/req", "backend us/req");
        for (int r = 0; r < roundCount; r++) {
            for (TargetRuns t : runs.values()) {
                TargetRuns.Round x = t.rounds().get(r);
                System.out.printf("%-8d %-7s %10.0f %9.3f %9.3f %7d %14.1f %16.1f%n", r + 1, t.target(),
                        x.wrk().requestsPerSecond(), x.wrk().p50Ms(), x.wrk().p99Ms(), x.wrk().errors(),
                        x.proxyCpuMicrosPerRequest(), x.backendCpuMicrosPerRequest());
            }
        }
        for (TargetRuns t : runs.values()) {
            System.out.printf("%-8s %-7s %10.0f %9.3f %9.3f %7d %14.1f %16.1f%n", "median", t.target(), t.medianRps(),
                    t.medianP50Ms(), t.medianP99Ms(), t.errors(), t.medianProxyCpu(), t.medianBackendCpu());
        }
        System.out.printf("Baton/HAProxy req/s %.2fx, p99 %.2fx; Baton/direct req/s %.2fx (ratios of medians); "
                + "aim (>=1.0x req/s, p99 <=1.5x) %s%nBaton/HAProxy proxy CPU per request %.2fx%s%n", rpsVsHaproxy,
                p99VsHaproxy, rpsVsDirect, aimMet ? "met" : "NOT met", cpuVsHaproxy,
                batonWarm ? "" : " (Baton's warm-up had not settled: its JIT was still compiling)");
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
