package dev.baton.rollout;

import java.util.List;

/**
 * The HTTP side of an instance: the readiness path (an instance gets traffic only once it answers 2xx),
 * an optional liveness path, and what the proxy in front takes from clients.
 *
 * @param readiness      the path the proxy's health checks and the driver's probes GET
 * @param liveness       an optional liveness path
 * @param trustedProxies addresses or CIDR blocks of proxies in front of Baton's (a load balancer) whose
 *                       {@code X-Forwarded-*} and {@code Forwarded} headers are kept; empty trusts no client
 * @param pin            lets a request choose its version by a header, or null (the default) for never
 */
public record WebSpec(String readiness, String liveness, List<String> trustedProxies, PinSpec pin) {
    public static final String DEFAULT_READINESS = "/health/ready";

    public WebSpec {
        if (readiness == null || !readiness.startsWith("/")) {
            throw new IllegalArgumentException("web.readiness: must be a path starting with /, got " + readiness);
        }
        if (liveness != null && !liveness.startsWith("/")) {
            throw new IllegalArgumentException("web.liveness: must be a path starting with /, got " + liveness);
        }
        trustedProxies = List.copyOf(trustedProxies == null ? List.of() : trustedProxies);
    }

    public WebSpec(String readiness, String liveness) {
        this(readiness, liveness, List.of(), null);
    }

    public static WebSpec defaults() {
        return new WebSpec(DEFAULT_READINESS, null);
    }

    /**
     * Version pinning by header: a request that carries {@code header: v2} goes to v2 whatever its weight,
     * is counted apart from v2's traffic and never enters a canary's analysis.
     *
     * @param header  the request header that names the version
     * @param trusted addresses or CIDR blocks of the clients allowed to pin; empty lets every client pin
     */
    public record PinSpec(String header, List<String> trusted) {
        public PinSpec {
            trusted = List.copyOf(trusted == null ? List.of() : trusted);
        }
    }
}
