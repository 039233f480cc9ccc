package dev.baton.bench.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.baton.proxy.BatonProxy;
import dev.baton.proxy.ProxyConfig;
import dev.baton.proxy.RouteTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baton bench proxy}: wrk against one fast backend three ways in the same run — direct,
 * through HAProxy (the baseline) and through Baton — and the ratios Baton/HAProxy and Baton/direct.
 * Each target gets a warm-up run first, not counted.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "wrk against a backend directly, through HAProxy and through Baton, in one run.")
public final class ProxyBench implements Callable<Integer> {

    @Option(names = "--quick", description = "A run under a minute: 8 s per target after a 2 s warm-up.")
    boolean quick;

    @Option(names = "--json", description = "Print one JSON object on standard output and nothing else there.")
    boolean json;

    @Option(names = "--seconds", description = "Measured seconds per target (default 20; 8 with --quick).")
    Integer seconds;

    @Option(names = "--connections", defaultValue = "64", description = "wrk connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--wrk-threads", defaultValue = "2", description = "wrk threads (default ${DEFAULT-VALUE}).")
    int wrkThreads;

    @Override
    public Integer call() throws Exception {
        if (connections < 1 || wrkThreads < 1 || connections < wrkThreads) {
            System.err.println("--connections and --wrk-threads must be >= 1, and connections >= threads");
            return 2;
        }
        if (!ensureTools()) {
            return 3;
        }
        int measured = seconds != null ? seconds : quick ? 8 : 20;
        int warmUp = quick ? 2 : 5;
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, Wrk.Result> results = new LinkedHashMap<>();
        try (FastBackend backend = new FastBackend(1)) {
            results.put("direct", measure("direct", backend.port(), warmUp, measured));
            try (Haproxy haproxy = new Haproxy(backend.port(), cores)) {
                results.put("haproxy", measure("haproxy", haproxy.port(), warmUp, measured));
            }
            try (BatonProxy baton = new BatonProxy(ProxyConfig.builder().ioThreads(cores).healthCheck(null).build())) {
                baton.start();
                baton.setRouteTable(RouteTable.single("bench", List.of("127.0.0.1:" + backend.port())));
                results.put("baton", measure("baton", baton.port(), warmUp, measured));
            }
        }
        report(results, cores, measured);
        return 0;
    }

    private Wrk.Result measure(String name, int port, int warmUp, int measured) throws Exception {
        say("%s: warm-up %d s", name, warmUp);
        Wrk.run(port, wrkThreads, connections, warmUp);
        say("%s: measuring %d s (wrk -t%d -c%d)", name, measured, wrkThreads, connections);
        Wrk.Result r = Wrk.run(port, wrkThreads, connections, measured);
        say("%s: %.0f req/s, p50 %.3f ms, p99 %.3f ms, errors %d", name, r.requestsPerSecond(), r.p50Ms(),
                r.p99Ms(), r.errors());
        return r;
    }

    private void report(Map<String, Wrk.Result> r, int cores, int measured) throws IOException {
        Wrk.Result baton = r.get("baton");
        Wrk.Result haproxy = r.get("haproxy");
        Wrk.Result direct = r.get("direct");
        double rpsVsHaproxy = baton.requestsPerSecond() / haproxy.requestsPerSecond();
        double p99VsHaproxy = baton.p99Ms() / haproxy.p99Ms();
        double rpsVsDirect = baton.requestsPerSecond() / direct.requestsPerSecond();
        boolean aimMet = rpsVsHaproxy >= 1.0 && p99VsHaproxy <= 1.5;
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "proxy");
            out.put("cores", cores);
            out.put("wrk", Map.of("threads", wrkThreads, "connections", connections, "seconds", measured));
            out.put("haproxyVersion", Haproxy.version());
            out.put("results", r);
            out.put("ratios", Map.of("batonToHaproxyRps", round(rpsVsHaproxy), "batonToHaproxyP99", round(p99VsHaproxy),
                    "batonToDirectRps", round(rpsVsDirect)));
            out.put("aimMet", aimMet);
            System.out.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
            return;
        }
        System.out.printf("Proxy benchmark: wrk -t%d -c%d, %d s per target, %d cores, %s%n", wrkThreads, connections,
                measured, cores, Haproxy.version());
        System.out.printf("%-9s %12s %10s %10s %8s%n", "target", "req/s", "p50 ms", "p99 ms", "errors");
        for (var e : r.entrySet()) {
            Wrk.Result x = e.getValue();
            System.out.printf("%-9s %12.0f %10.3f %10.3f %8d%n", e.getKey(), x.requestsPerSecond(), x.p50Ms(), x.p99Ms(),
                    x.errors());
        }
        System.out.printf("Baton/HAProxy req/s %.2fx, p99 %.2fx; Baton/direct req/s %.2fx; aim (>=1.0x req/s, "
                + "p99 <=1.5x) %s%n", rpsVsHaproxy, p99VsHaproxy, rpsVsDirect, aimMet ? "met" : "NOT met");
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
