package dev.baton.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Baton's traffic proxy: an HTTP/1.1 reverse proxy that sends each request to a READY backend of
 * a version chosen by weight, drains backends on request, retries when safe and counts per version.
 *
 * <pre>{@code
 * BatonProxy proxy = new BatonProxy(ProxyConfig.builder().build()).start();
 * proxy.setRouteTable(RouteTable.single("v1", List.of("127.0.0.1:8081")));
 * proxy.setWeights(Map.of("v1", 90, "v2", 10));
 * proxy.drain("127.0.0.1:8081", Duration.ofSeconds(30)).join();
 * }</pre>
 *
 * <p>Thread-safe. The request path reads the route table from an atomic reference and takes no lock;
 * changes to the table are serialized among themselves.
 */
public final class BatonProxy implements AutoCloseable {

    /** The header a {@link PinRule} uses unless it names another, e.g. {@code X-Baton-Version: v2}. */
    public static final String VERSION_HEADER = PinRule.DEFAULT_HEADER;

    private static final Logger log = LoggerFactory.getLogger(BatonProxy.class);

    private final ProxyConfig config;
    private final Router router;
    private final ProxyContext context;
    private final List<Consumer<RouteTable>> listeners = new CopyOnWriteArrayList<>();
    private HealthChecker healthChecker;
    private RouteTableStore store;
    private EventLoopGroup bossGroup;
    private EventLoopGroup ioGroup;
    private Channel serverChannel;
    private Channel previewChannel;
    private volatile ProxyState state = ProxyState.NEW;
    /** Whether a table was ever made live here (restored or pushed); the empty table a proxy starts with is none. */
    private volatile boolean holdsRouteTable;

    /** Lifecycle of the proxy itself. */
    public enum ProxyState { NEW, RUNNING, STOPPED }

    public BatonProxy(ProxyConfig config) {
        this.config = config;
        this.router = new Router(config.healthCheck() == null ? BackendState.READY : BackendState.STARTING);
        this.context = new ProxyContext(config, router);
    }

    /** Binds the traffic port and starts health checks. Returns this. */
    public synchronized BatonProxy start() throws InterruptedException {
        if (state != ProxyState.NEW) {
            throw new IllegalStateException("proxy is " + state + "; start it once");
        }
        int threads = config.ioThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.ioThreads();
        bossGroup = Transport.group(1, "baton-proxy-accept");
        ioGroup = Transport.group(threads, "baton-proxy-io");
        try {
            serverChannel = listener(Listener.TRAFFIC).bind(config.listen()).sync().channel();
            if (config.preview() != null) {
                previewChannel = listener(Listener.PREVIEW).bind(config.preview()).sync().channel();
            }
        } catch (Exception e) {
            if (serverChannel != null) {
                serverChannel.close();
            }
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        if (config.healthCheck() != null) {
            healthChecker = new HealthChecker(config.healthCheck(), router);
            healthChecker.start();
        }
        state = ProxyState.RUNNING;
        log.info("proxy listening on {} ({}, {} io threads){}", address(), Transport.name(), threads,
                previewChannel == null ? "" : ", preview on " + previewAddress());
        return this;
    }

    /** Which of the proxy's ports a client connection came in on. */
    enum Listener {
        /** The traffic port: requests go to versions by weight. */
        TRAFFIC,
        /** The preview port: requests go to the route table's preview version only. */
        PREVIEW
    }

    private ServerBootstrap listener(Listener kind) {
        return new ServerBootstrap()
                .group(bossGroup, ioGroup)
                .channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Codecs.ResponseEncoder encoder = new Codecs.ResponseEncoder();
                        ch.pipeline()
                                .addLast("decoder", new RequestDecoder(config))
                                .addLast("encoder", encoder)
                                .addLast("front", new FrontendHandler(context, encoder, kind));
                    }
                });
    }

    /** The bound preview address, or null when the proxy has no preview listener. */
    public InetSocketAddress previewAddress() {
        return previewChannel == null ? null : (InetSocketAddress) previewChannel.localAddress();
    }

    /** The bound traffic address (the real port when the config asked for port 0). */
    public InetSocketAddress address() {
        return serverChannel == null ? config.listen() : (InetSocketAddress) serverChannel.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    public ProxyState state() {
        return state;
    }

    public ProxyConfig config() {
        return config;
    }

    /**
     * Ready to take traffic: running, and holding a route table (one restored from its state file, or pushed). A proxy
     * that never got a table would answer every request 503; behind a Service it must not be an endpoint yet.
     */
    public boolean ready() {
        return state == ProxyState.RUNNING && holdsRouteTable;
    }

    /** The live route table. */
    public RouteTable routeTable() {
        return router.routes().table;
    }

    /**
     * Keeps every table durably in {@code store} before it is made live, so that a restarted proxy
     * serves the table it served last. Returns this.
     */
    public synchronized BatonProxy persistTo(RouteTableStore store) {
        this.store = store;
        return this;
    }

    /**
     * Makes {@code table} live in one atomic swap. Backends that left the table are drained with the
     * configured drain timeout; new backends start STARTING until their health checks pass (READY at
     * once without health checks).
     *
     * @throws UncheckedIOException when the proxy persists its table and could not write this one;
     *                              the table is then not made live, and the old one stays
     */
    public synchronized void setRouteTable(RouteTable table) {
        if (store != null) {
            try {
                store.save(table);
            } catch (IOException e) {
                throw new UncheckedIOException("route table not applied: could not persist it to " + store.file()
                        + ": " + e, e);
            }
        }
        List<Backend> removed = router.apply(table);
        holdsRouteTable = true;
        for (Backend b : removed) {
            b.drain(config.drainTimeout(), scheduler()).thenRun(() -> router.forget(b));
        }
        if (healthChecker != null) {
            healthChecker.checkNow();
        }
        log.info("route table set: {}", describe(table));
        listeners.forEach(l -> {
            try {
                l.accept(table);
            } catch (RuntimeException e) {
                log.error("route table listener failed", e);
            }
        });
    }

    /**
     * Changes the weights of the named versions (the others keep theirs) and returns the new table.
     *
     * @throws IllegalArgumentException naming the field when a version is unknown or weights are invalid;
     *                                  the live table is then unchanged
     */
    public synchronized RouteTable setWeights(Map<String, Integer> weights) {
        RouteTable next = routeTable().withWeights(weights);
        setRouteTable(next);
        return next;
    }

    /**
     * Drains a backend: no new requests from now on, its idle connections closed, requests and
     * upgraded connections in flight allowed to finish until {@code timeout}, then cut. Idempotent;
     * works before {@link #start()}.
     *
     * @throws IllegalArgumentException if no backend has this id
     */
    public CompletableFuture<DrainResult> drain(String backendId, Duration timeout) {
        return require(backendId).drain(timeout, scheduler());
    }

    /** True when the backend has nothing in flight and no upgraded connection open. */
    public boolean isIdle(String backendId) {
        return require(backendId).isIdle();
    }

    /** Completes with true once the backend is idle, or false when {@code timeout} passes first. */
    public CompletableFuture<Boolean> awaitIdle(String backendId, Duration timeout) {
        return require(backendId).awaitIdle(timeout, scheduler());
    }

    /** One backend, if the proxy knows it. */
    public Optional<BackendView> backend(String backendId) {
        return Optional.ofNullable(router.backend(backendId)).map(BackendView::of);
    }

    /** Every backend the proxy knows (in the table or still draining), sorted by id. */
    public List<BackendView> backends() {
        List<BackendView> all = new ArrayList<>();
        router.backends().values().forEach(b -> all.add(BackendView.of(b)));
        all.sort(Comparator.comparing(BackendView::id));
        return all;
    }

    /**
     * Per-version counters of requests pinned to a version (by a {@link PinRule} header or on the
     * preview listener): kept apart from {@link #metrics()}, so they never enter a canary's analysis.
     */
    public Map<String, VersionMetrics.Snapshot> pinnedMetrics() {
        Map<String, VersionMetrics.Snapshot> out = new TreeMap<>();
        router.pinnedMetrics().forEach((name, m) -> out.put(name, m.snapshot()));
        return out;
    }

    /** Per-version counters and latency percentiles, keyed by version name. */
    public Map<String, VersionMetrics.Snapshot> metrics() {
        Map<String, VersionMetrics.Snapshot> out = new TreeMap<>();
        router.metrics().forEach((name, m) -> out.put(name, m.snapshot()));
        return out;
    }

    /** All metrics in the Prometheus text format. */
    public String prometheusText() {
        return PrometheusText.render(metrics().values(), backends());
    }

    /** Called with every table made live. */
    public void onRouteTableChange(Consumer<RouteTable> listener) {
        listeners.add(listener);
    }

    /** Open client connections on the traffic port. */
    public int openClientConnections() {
        return context.clientChannels.size();
    }

    /** Open connections from the proxy to all backends. */
    public int openBackendConnections() {
        return router.backends().values().stream().mapToInt(Backend::openConnections).sum();
    }

    /**
     * Stops accepting, gives client connections up to {@code grace} to finish, then closes
     * everything. Idempotent and safe before start.
     */
    public synchronized void stop(Duration grace) {
        if (state == ProxyState.STOPPED) {
            return;
        }
        ProxyState was = state;
        state = ProxyState.STOPPED;
        if (was == ProxyState.NEW) {
            return;
        }
        log.info("proxy stopping (grace {})", grace);
        serverChannel.close().syncUninterruptibly();
        if (previewChannel != null) {
            previewChannel.close().syncUninterruptibly();
        }
        if (healthChecker != null) {
            healthChecker.close();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (context.clientChannels.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // stop() is a shutdown path, never the request path
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        context.clientChannels.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("proxy stopped");
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private Backend require(String backendId) {
        Backend b = router.backend(backendId);
        if (b == null) {
            throw new IllegalArgumentException("backend: unknown backend '" + backendId + "'; known backends: "
                    + new TreeMap<>(router.backends()).keySet());
        }
        return b;
    }

    private ScheduledExecutorService scheduler() {
        EventLoopGroup g = ioGroup;
        return g != null && !g.isShuttingDown() ? g : GlobalEventExecutor.INSTANCE;
    }

    private static String describe(RouteTable t) {
        StringBuilder sb = new StringBuilder();
        t.versions().forEach(v -> sb.append(v.name()).append('=').append(v.weight()).append("% ")
                .append(v.backends()).append(' '));
        return sb.toString().trim();
    }
}
