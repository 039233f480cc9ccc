package dev.baton.proxy;

import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the proxy as its own process, so traffic keeps flowing when the control plane stops.
 *
 * <pre>
 * java -cp … dev.baton.proxy.ProxyMain --listen 0.0.0.0:8080 --admin 127.0.0.1:9901 \
 *     --token-file /etc/baton/proxy.token --state-file .baton/proxy/routes.json --drain-timeout 30s
 * </pre>
 *
 * Each option can also come from the environment: {@code BATON_PROXY_LISTEN}, {@code BATON_PROXY_ADMIN},
 * {@code BATON_PROXY_TOKEN_FILE}, {@code BATON_PROXY_STATE_FILE}, {@code BATON_PROXY_DRAIN_TIMEOUT} (a duration, {@code 30s};
 * {@code --drain-timeout-ms}/{@code BATON_PROXY_DRAIN_TIMEOUT_MS} still work),
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

    private ProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            // Sampling leak detection records a stack trace for every 128th buffer: a cost on every
            // request in production. The tests run with it on; -Dio.netty.leakDetection.level=… turns it back on.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        if (Arrays.asList(args).contains("--help")) {
            System.out.print(ProxyOptions.usage());
            return;
        }
        ProxyOptions opts;
        try {
            opts = options(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("baton-proxy: " + e.getMessage() + " (--help lists the options)");
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

    static Running start(ProxyOptions opts) throws IOException, InterruptedException {
        String token = Files.readString(opts.tokenFile, StandardCharsets.UTF_8).strip();
        BatonProxy proxy = new BatonProxy(opts.config());
        if (opts.stateFile != null) {
            RouteTableStore store = new RouteTableStore(opts.stateFile);
            proxy.persistTo(store);
            store.load().ifPresent(t -> {
                log.info("restoring route table from {}", store.file());
                proxy.setRouteTable(t);
            });
        }
        proxy.start();
        AdminServer admin;
        try {
            admin = new AdminServer(proxy, opts.adminAddress(), token).start();
        } catch (RuntimeException | InterruptedException e) {
            proxy.close();
            throw e;
        }
        return new Running(proxy, admin);
    }

    /** The options from {@code args}, and from {@code env} for those the arguments leave out; checked. */
    static ProxyOptions options(String[] args, Map<String, String> env) {
        return ProxyOptions.parse(args, env);
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
