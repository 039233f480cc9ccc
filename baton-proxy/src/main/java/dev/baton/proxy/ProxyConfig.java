package dev.baton.proxy;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Settings of a {@link BatonProxy}. Build with {@link #builder()}; every field is validated here.
 *
 * @param listen            address of the traffic port (port 0: the OS picks one)
 * @param ioThreads         event-loop threads (0: one per core)
 * @param maxInitialLineBytes longest request line accepted (longer: 414)
 * @param maxHeaderBytes    largest header section accepted (larger: 431)
 * @param maxBodyBytes      largest request body accepted (larger: 413)
 * @param connectTimeout    time to connect to a backend
 * @param backendTimeout    time a backend has to start its response (longer: 504)
 * @param clientIdleTimeout an idle keep-alive client connection is closed after this
 * @param maxAttempts       attempts per request, first one included, each on a different backend
 * @param retryBudgetRatio  retries after bytes were sent may be at most this share of requests in flight
 * @param retryBudgetMin    ... but at least this many concurrent retries are always allowed
 * @param replayBufferBytes bodies up to this size are kept so that the request can be retried
 * @param pauseLimit        with no READY backend, hold a request up to this long (zero: 503 at once)
 * @param retryAfterSeconds value of {@code Retry-After} on a 503
 * @param drainTimeout      drain deadline for backends that leave the route table
 * @param maxIdlePerLoop    idle pooled connections kept per backend and event loop
 * @param healthCheck       active health check, or {@code null} for none (backends are READY at once)
 * @param trustedProxies    peers (e.g. a load balancer in front) whose forwarding headers are kept and
 *                          appended to; from anyone else they are dropped and written anew
 * @param preview           address of the preview listener, which serves the route table's preview
 *                          version only, or {@code null} for none
 */
public record ProxyConfig(
        InetSocketAddress listen,
        int ioThreads,
        int maxInitialLineBytes,
        int maxHeaderBytes,
        long maxBodyBytes,
        Duration connectTimeout,
        Duration backendTimeout,
        Duration clientIdleTimeout,
        int maxAttempts,
        double retryBudgetRatio,
        int retryBudgetMin,
        int replayBufferBytes,
        Duration pauseLimit,
        int retryAfterSeconds,
        Duration drainTimeout,
        int maxIdlePerLoop,
        HealthCheck healthCheck,
        TrustedPeers trustedProxies,
        InetSocketAddress preview) {

    public ProxyConfig {
        trustedProxies = trustedProxies == null ? TrustedPeers.NONE : trustedProxies;
        require(listen != null, "listen: required");
        require(ioThreads >= 0, "ioThreads: must be >= 0, was " + ioThreads);
        require(maxInitialLineBytes >= 256, "maxInitialLineBytes: must be >= 256, was " + maxInitialLineBytes);
        require(maxHeaderBytes >= 1024, "maxHeaderBytes: must be >= 1024, was " + maxHeaderBytes);
        require(maxBodyBytes >= 0, "maxBodyBytes: must be >= 0, was " + maxBodyBytes);
        positive(connectTimeout, "connectTimeout");
        positive(backendTimeout, "backendTimeout");
        positive(clientIdleTimeout, "clientIdleTimeout");
        require(maxAttempts >= 1 && maxAttempts <= 10, "maxAttempts: must be between 1 and 10, was " + maxAttempts);
        require(retryBudgetRatio >= 0 && retryBudgetRatio <= 1,
                "retryBudgetRatio: must be between 0 and 1, was " + retryBudgetRatio);
        require(retryBudgetMin >= 0, "retryBudgetMin: must be >= 0, was " + retryBudgetMin);
        require(replayBufferBytes >= 0, "replayBufferBytes: must be >= 0, was " + replayBufferBytes);
        require(pauseLimit != null && !pauseLimit.isNegative(), "pauseLimit: must be zero or positive, was " + pauseLimit);
        require(retryAfterSeconds >= 0, "retryAfterSeconds: must be >= 0, was " + retryAfterSeconds);
        positive(drainTimeout, "drainTimeout");
        require(maxIdlePerLoop >= 0, "maxIdlePerLoop: must be >= 0, was " + maxIdlePerLoop);
    }

    /** A builder starting from the defaults (loopback, port 0). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.listen = listen;
        b.ioThreads = ioThreads;
        b.maxInitialLineBytes = maxInitialLineBytes;
        b.maxHeaderBytes = maxHeaderBytes;
        b.maxBodyBytes = maxBodyBytes;
        b.connectTimeout = connectTimeout;
        b.backendTimeout = backendTimeout;
        b.clientIdleTimeout = clientIdleTimeout;
        b.maxAttempts = maxAttempts;
        b.retryBudgetRatio = retryBudgetRatio;
        b.retryBudgetMin = retryBudgetMin;
        b.replayBufferBytes = replayBufferBytes;
        b.pauseLimit = pauseLimit;
        b.retryAfterSeconds = retryAfterSeconds;
        b.drainTimeout = drainTimeout;
        b.maxIdlePerLoop = maxIdlePerLoop;
        b.healthCheck = healthCheck;
        b.trustedProxies = trustedProxies;
        b.preview = preview;
        return b;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void positive(Duration d, String field) {
        require(d != null && !d.isNegative() && !d.isZero(), field + ": must be positive, was " + d);
    }

    /** Mutable builder for {@link ProxyConfig}; {@link #build()} validates. */
    public static final class Builder {
        private InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 0);
        private int ioThreads = 0;
        private int maxInitialLineBytes = 8192;
        private int maxHeaderBytes = 16384;
        private long maxBodyBytes = 10L * 1024 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration backendTimeout = Duration.ofSeconds(30);
        private Duration clientIdleTimeout = Duration.ofSeconds(60);
        private int maxAttempts = 3;
        private double retryBudgetRatio = 0.2;
        private int retryBudgetMin = 10;
        private int replayBufferBytes = 64 * 1024;
        private Duration pauseLimit = Duration.ZERO;
        private int retryAfterSeconds = 1;
        private Duration drainTimeout = Duration.ofSeconds(30);
        private int maxIdlePerLoop = 1024;
        private HealthCheck healthCheck = HealthCheck.defaults();
        private TrustedPeers trustedProxies = TrustedPeers.NONE;
        private InetSocketAddress preview;

        public Builder listen(InetSocketAddress v) { listen = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder maxInitialLineBytes(int v) { maxInitialLineBytes = v; return this; }
        public Builder maxHeaderBytes(int v) { maxHeaderBytes = v; return this; }
        public Builder maxBodyBytes(long v) { maxBodyBytes = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder backendTimeout(Duration v) { backendTimeout = v; return this; }
        public Builder clientIdleTimeout(Duration v) { clientIdleTimeout = v; return this; }
        public Builder maxAttempts(int v) { maxAttempts = v; return this; }
        public Builder retryBudgetRatio(double v) { retryBudgetRatio = v; return this; }
        public Builder retryBudgetMin(int v) { retryBudgetMin = v; return this; }
        public Builder replayBufferBytes(int v) { replayBufferBytes = v; return this; }
        public Builder pauseLimit(Duration v) { pauseLimit = v; return this; }
        public Builder retryAfterSeconds(int v) { retryAfterSeconds = v; return this; }
        public Builder drainTimeout(Duration v) { drainTimeout = v; return this; }
        public Builder maxIdlePerLoop(int v) { maxIdlePerLoop = v; return this; }
        public Builder healthCheck(HealthCheck v) { healthCheck = v; return this; }
        public Builder trustedProxies(TrustedPeers v) { trustedProxies = v; return this; }
        public Builder preview(InetSocketAddress v) { preview = v; return this; }

        public ProxyConfig build() {
            return new ProxyConfig(listen, ioThreads, maxInitialLineBytes, maxHeaderBytes, maxBodyBytes,
                    connectTimeout, backendTimeout, clientIdleTimeout, maxAttempts, retryBudgetRatio,
                    retryBudgetMin, replayBufferBytes, pauseLimit, retryAfterSeconds, drainTimeout,
                    maxIdlePerLoop, healthCheck, trustedProxies, preview);
        }
    }
}
