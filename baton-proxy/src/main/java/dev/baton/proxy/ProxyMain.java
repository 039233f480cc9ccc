package dev.baton.proxy;

import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the proxy as its own process, so traffic keeps flowing when the control plane stops.
 *
 * <pre>
 * java -cp … dev.baton.proxy.ProxyMain --listen 0.0.0.0:8080 --admin 127.0.0.1:9901 \
 *     --token-file /etc/baton/proxy.token --state-file .baton/proxy/routes.json
 * </pre>
 *
 * Each option can also come from the environment: {@code BATON_PROXY_LISTEN}, {@code BATON_PROXY_ADMIN},
 * {@code BATON_PROXY_TOKEN_FILE}, {@code BATON_PROXY_STATE_FILE}, {@code BATON_PROXY_DRAIN_TIMEOUT_MS},
 * {@code BATON_PROXY_IO_THREADS} (event-loop threads; default one per core), {@code BATON_PROXY_HEALTH_PATH}
 * (the path of the backends' readiness endpoint that the active health check polls; default {@code /health}),
 * {@code BATON_PROXY_TRUSTED_PROXIES} (comma-separated addresses or CIDR blocks of proxies in front whose
 * {@code X-Forwarded-*} and {@code Forwarded} headers are kept; default none), {@code BATON_PROXY_PREVIEW}
 * (host:port of the preview listener, which serves the route table's preview version; default none).
 * The last route table is restored from the state file on start, and a new table is made live only once
 * it is written there. Logs at INFO to standard error ({@code baton-proxy-logback.xml}; another file with
 * {@code -Dlogback.configurationFile}). Prints {@code baton-proxy listening traffic=host:port admin=host:port}
 * (and {@code preview=host:port} when it has a preview listener) on standard output once ready.
 */
public final class ProxyMain {

    static {
        // Before the first logger exists: without a configuration Logback logs everything at DEBUG.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "baton-proxy-logback.xml");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ProxyMain.class);
    private static final String OPTIONS = "listen|admin|token-file|state-file|drain-timeout-ms|io-threads|health-path"
            + "|trusted-proxies|preview";

    private ProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            // Sampling leak detection records a stack trace for every 128th buffer: a cost on every
            // request in production. The tests run with it on; -Dio.netty.leakDetection.level=… turns it back on.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        Map<String, String> opts;
        try {
            opts = options(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("baton-proxy: " + e.getMessage());
            System.err.println("usage: ProxyMain --listen host:port --admin host:port --token-file FILE "
                    + "[--state-file FILE] [--drain-timeout-ms N] [--io-threads N] [--health-path /PATH] "
                    + "[--trusted-proxies CIDR,...] [--preview host:port]");
            System.exit(2);
            return;
        }
        Running running = start(opts);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close(Duration.ofSeconds(10));
            stopped.countDown();
        }, "baton-proxy-shutdown"));
        InetSocketAddress preview = running.proxy.previewAddress();
        System.out.println("baton-proxy listening traffic=" + hostPort(running.proxy.address())
                + " admin=" + hostPort(running.admin.address()) + (preview == null ? "" : " preview=" + hostPort(preview)));
        System.out.flush();
        stopped.await();
    }

    /** The proxy and its admin server, started. */
    record Running(BatonProxy proxy, AdminServer admin) {
        void close(Duration grace) {
            admin.close();
            proxy.stop(grace);
        }
    }

    static Running start(Map<String, String> opts) throws IOException, InterruptedException {
        String token = Files.readString(Path.of(opts.get("token-file")), StandardCharsets.UTF_8).strip();
        ProxyConfig.Builder config = ProxyConfig.builder().listen(address("listen", opts.get("listen")));
        if (opts.containsKey("drain-timeout-ms")) {
            config.drainTimeout(Duration.ofMillis(Long.parseLong(opts.get("drain-timeout-ms"))));
        }
        if (opts.containsKey("io-threads")) {
            config.ioThreads(count("io-threads", opts.get("io-threads")));
        }
        if (opts.containsKey("health-path")) {
            config.healthCheck(HealthCheck.defaults().withPath(opts.get("health-path")));
        }
        config.trustedProxies(TrustedPeers.parse(opts.get("trusted-proxies")));
        if (opts.containsKey("preview")) {
            config.preview(address("preview", opts.get("preview")));
        }
        BatonProxy proxy = new BatonProxy(config.build());
        if (opts.containsKey("state-file")) {
            RouteTableStore store = new RouteTableStore(Path.of(opts.get("state-file")));
            proxy.persistTo(store);
            store.load().ifPresent(t -> {
                log.info("restoring route table from {}", store.file());
                proxy.setRouteTable(t);
            });
        }
        proxy.start();
        AdminServer admin;
        try {
            admin = new AdminServer(proxy, address("admin", opts.get("admin")), token).start();
        } catch (RuntimeException | InterruptedException e) {
            proxy.close();
            throw e;
        }
        return new Running(proxy, admin);
    }

    static Map<String, String> options(String[] args, Map<String, String> env) {
        Map<String, String> opts = new HashMap<>();
        opts.put("admin", "127.0.0.1:9901");
        for (String key : OPTIONS.split("\\|")) {
            String v = env.get("BATON_PROXY_" + key.toUpperCase().replace('-', '_'));
            if (v != null && !v.isBlank()) {
                opts.put(key, v);
            }
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            if (!key.matches(OPTIONS)) {
                throw new IllegalArgumentException("unknown option '" + a + "'; allowed: --"
                        + String.join(", --", OPTIONS.split("\\|")));
            }
            opts.put(key, args[++i]);
        }
        if (!opts.containsKey("listen")) {
            throw new IllegalArgumentException("--listen: required (host:port, or BATON_PROXY_LISTEN)");
        }
        if (!opts.containsKey("token-file")) {
            throw new IllegalArgumentException("--token-file: required; the admin API always needs a token");
        }
        address("listen", opts.get("listen"));
        address("admin", opts.get("admin"));
        if (opts.containsKey("health-path") && !opts.get("health-path").startsWith("/")) {
            throw new IllegalArgumentException("--health-path: must start with '/', got '" + opts.get("health-path") + "'");
        }
        if (opts.containsKey("io-threads")) {
            count("io-threads", opts.get("io-threads"));
        }
        if (opts.containsKey("preview")) {
            address("preview", opts.get("preview"));
        }
        try {
            TrustedPeers.parse(opts.get("trusted-proxies"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--trusted-proxies: " + e.getMessage());
        }
        return opts;
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

    /** A thread count: 1-1024. */
    private static int count(String field, String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 1024) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + field + ": must be a whole number 1-1024, was '" + text + "'");
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
