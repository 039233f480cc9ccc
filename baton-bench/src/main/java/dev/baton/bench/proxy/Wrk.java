package dev.baton.bench.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code wrk} and reads its numbers. */
final class Wrk {

    /** One wrk run: throughput, latency percentiles in milliseconds, errors. */
    record Result(double requestsPerSecond, double p50Ms, double p99Ms, long requests, long errors) {
    }

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private Wrk() {
    }

    static Result run(int port, int threads, int connections, int seconds) throws IOException, InterruptedException {
        return run(port, threads, connections, seconds, null);
    }

    /** A run with a wrk Lua script (e.g. {@link #postScript}), or none when {@code script} is null. */
    static Result run(int port, int threads, int connections, int seconds, Path script)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--latency"));
        if (script != null) {
            cmd.addAll(List.of("-s", script.toString()));
        }
        cmd.add("http://127.0.0.1:" + port + "/");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("wrk failed: " + out);
        }
        return parse(out);
    }

    /** A temporary wrk script that makes every request a POST with a body of {@code bytes} bytes. */
    static Path postScript(int bytes) throws IOException {
        Path script = Files.createTempFile("baton-bench-post", ".lua");
        Files.writeString(script, """
                wrk.method = "POST"
                wrk.body = string.rep("b", %d)
                wrk.headers["Content-Type"] = "application/octet-stream"
                """.formatted(bytes));
        return script;
    }

    /** The first line of {@code wrk -v}, e.g. {@code wrk debian/4.1.0-3+b2 [epoll]}. */
    static String version() {
        try {
            Process p = new ProcessBuilder("wrk", "-v").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst()
                    .orElse("wrk");
            p.waitFor();
            int copyright = first.indexOf(" Copyright");
            return (copyright > 0 ? first.substring(0, copyright) : first).trim();
        } catch (IOException | InterruptedException e) {
            return "wrk (version unknown)";
        }
    }

    static Result parse(String out) {
        double rps = Double.parseDouble(find(RPS, out, "Requests/sec"));
        long total = Long.parseLong(find(TOTAL, out, "requests in"));
        long errors = 0;
        Matcher e = ERRORS.matcher(out);
        if (e.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(e.group(i));
            }
        }
        Matcher n = NON2XX.matcher(out);
        if (n.find()) {
            errors += Long.parseLong(n.group(1));
        }
        return new Result(rps, percentile(out, "50%"), percentile(out, "99%"), total, errors);
    }

    private static double percentile(String out, String label) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + label + " latency in wrk output:\n" + out);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    private static String find(Pattern p, String out, String what) {
        Matcher m = p.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no '" + what + "' in wrk output:\n" + out);
        }
        return m.group(1);
    }
}
