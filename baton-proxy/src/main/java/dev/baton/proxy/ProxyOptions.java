package dev.baton.proxy;

import dev.baton.common.Durations;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The options of {@link ProxyMain}: each a flag, or the environment variable {@code BATON_PROXY_<NAME>}
 * ({@code --token-file} → {@code BATON_PROXY_TOKEN_FILE}); a flag wins. Durations in Baton's one
 * grammar ({@code 30s}, {@code 1m30s}, {@code PT30S}).
 */
@Command(name = "baton-proxy", description = "Baton's traffic proxy as its own process.", sortOptions = false)
final class ProxyOptions {

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "The traffic port (required).")
    String listen;

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9901",
            description = "The admin API (default: ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The admin API's bearer token (required).")
    Path tokenFile;

    @Option(names = "--state-file", paramLabel = "FILE", description = "Where the route table is kept across restarts.")
    Path stateFile;

    @Option(names = "--drain-timeout", paramLabel = "DURATION",
            description = "Drain deadline of backends that leave the table (default 30s).")
    String drainTimeout;

    @Option(names = "--drain-timeout-ms", paramLabel = "MILLIS", hidden = true,
            description = "The drain deadline in milliseconds; kept for old scripts, use --drain-timeout.")
    Long drainTimeoutMs;

    @Option(names = "--io-threads", paramLabel = "N", description = "Event-loop threads, 1-1024 (default: one per core).")
    String ioThreads;

    @Option(names = "--health-path", paramLabel = "/PATH", description = "The backends' readiness path (default /health).")
    String healthPath;

    @Option(names = "--trusted-proxies", paramLabel = "CIDR,...",
            description = "Proxies in front whose X-Forwarded-*/Forwarded headers are kept (default: none).")
    String trustedProxies;

    @Option(names = "--preview", paramLabel = "HOST:PORT",
            description = "The preview listener, which serves the route table's preview version only.")
    String preview;

    /**
     * Parses and checks {@code args}, with {@code env} for what they leave out.
     *
     * @throws IllegalArgumentException naming the option and what it allows
     */
    static ProxyOptions parse(String[] args, Map<String, String> env) {
        ProxyOptions o = new ProxyOptions();
        CommandLine cl = new CommandLine(o).setDefaultValueProvider(spec -> {
            if (spec instanceof CommandLine.Model.OptionSpec opt) {
                String v = env.get("BATON_PROXY_" + opt.longestName().substring(2).toUpperCase().replace('-', '_'));
                if (v != null && !v.isBlank()) {
                    return v;
                }
            }
            return spec.defaultValue();
        });
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        o.check();
        return o;
    }

    /** The usage text. */
    static String usage() {
        return new CommandLine(new ProxyOptions()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private void check() {
        if (listen == null) {
            throw new IllegalArgumentException("--listen: required (host:port, or BATON_PROXY_LISTEN)");
        }
        if (tokenFile == null) {
            throw new IllegalArgumentException("--token-file: required; the admin API always needs a token");
        }
        address("listen", listen);
        address("admin", admin);
        if (preview != null) {
            address("preview", preview);
        }
        if (healthPath != null && !healthPath.startsWith("/")) {
            throw new IllegalArgumentException("--health-path: must start with '/', got '" + healthPath + "'");
        }
        if (ioThreads != null) {
            threads();
        }
        drain();
        try {
            TrustedPeers.parse(trustedProxies);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--trusted-proxies: " + e.getMessage());
        }
    }

    /** The proxy's settings these options give. */
    ProxyConfig config() {
        ProxyConfig.Builder b = ProxyConfig.builder().listen(address("listen", listen))
                .trustedProxies(TrustedPeers.parse(trustedProxies));
        Duration drain = drain();
        if (drain != null) {
            b.drainTimeout(drain);
        }
        if (ioThreads != null) {
            b.ioThreads(threads());
        }
        if (healthPath != null) {
            b.healthCheck(HealthCheck.defaults().withPath(healthPath));
        }
        if (preview != null) {
            b.preview(address("preview", preview));
        }
        return b.build();
    }

    InetSocketAddress adminAddress() {
        return address("admin", admin);
    }

    private Duration drain() {
        if (drainTimeout != null) {
            Duration d = Durations.parse("--drain-timeout", drainTimeout);
            if (d.isZero()) {
                throw new IllegalArgumentException("--drain-timeout: must be more than 0, was " + drainTimeout);
            }
            return d;
        }
        if (drainTimeoutMs != null) {
            if (drainTimeoutMs < 1) {
                throw new IllegalArgumentException("--drain-timeout-ms: must be at least 1, was " + drainTimeoutMs);
            }
            return Duration.ofMillis(drainTimeoutMs);
        }
        return null;
    }

    private int threads() {
        try {
            int n = Integer.parseInt(ioThreads);
            if (n >= 1 && n <= 1024) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--io-threads: must be a whole number 1-1024, was '" + ioThreads + "'");
    }

    /** {@code host:port} or a bare port (loopback); port 0 lets the OS choose. */
    private static InetSocketAddress address(String field, String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : text.substring(0, colon);
        String port = colon < 0 ? String.valueOf(text) : text.substring(colon + 1);
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535 || host.isBlank()) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host, p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + field + ": must be host:port with port 0-65535, was '" + text + "'");
        }
    }
}
