package dev.baton.server;

import dev.baton.common.DatabaseConfig;
import dev.baton.rollout.PortRange;
import java.time.Clock;

/**
 * How to start a control plane.
 *
 * @param home the {@code .baton} directory
 * @param spec the spec file's content, or null to keep using the spec of the last rollout stored here
 * @param initialVersion the version to deploy when nothing was ever deployed here (overrides the spec's
 *     {@code version}), or null
 * @param database an external PostgreSQL, or null for the embedded one under {@code home/pg}
 * @param listenHost the address the proxy's public port binds (127.0.0.1 unless told otherwise)
 * @param apiPort the REST API's port on {@code apiHost}; 0 lets the OS choose (see {@code .baton/api.json})
 * @param kubernetes the cluster whose Pods are the instances, or null for local processes
 * @param instancePorts the ports instances may get ({@link PortRange#ANY} unless a firewall wants a range)
 * @param proxyFleet the proxies to drive: the local proxy process (null means this), or the proxy pods of an install
 *     on {@code kubernetes} (then no proxy process runs beside the control plane)
 * @param apiHost the loopback address the REST API binds (127.0.0.1 unless told otherwise; see {@link #apiHost(String)})
 */
public record ControlPlaneOptions(BatonHome home, SpecFile spec, String initialVersion, DatabaseConfig database,
                                  String listenHost, int apiPort, Clock clock, KubeTarget kubernetes,
                                  PortRange instancePorts, ProxyFleetMode proxyFleet, String apiHost) {
    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public ControlPlaneOptions {
        if (home == null) {
            throw new IllegalArgumentException("home: required");
        }
        if (apiPort < 0 || apiPort > 65535) {
            throw new IllegalArgumentException("apiPort: must be 0..65535, got " + apiPort);
        }
        listenHost = listenHost == null || listenHost.isBlank() ? "127.0.0.1" : listenHost;
        clock = clock == null ? Clock.systemUTC() : clock;
        instancePorts = instancePorts == null ? PortRange.ANY : instancePorts;
        proxyFleet = proxyFleet == null ? ProxyFleetMode.LOCAL : proxyFleet;
        apiHost = apiHost(apiHost);
        if (proxyFleet == ProxyFleetMode.KUBERNETES && kubernetes == null) {
            throw new IllegalArgumentException("--proxy-fleet kubernetes: only with --kubernetes (the proxy pods are "
                    + "found in the namespace of the app's pods)");
        }
    }

    /** The options with the REST API on 127.0.0.1. */
    public ControlPlaneOptions(BatonHome home, SpecFile spec, String initialVersion, DatabaseConfig database,
                               String listenHost, int apiPort, Clock clock, KubeTarget kubernetes,
                               PortRange instancePorts, ProxyFleetMode proxyFleet) {
        this(home, spec, initialVersion, database, listenHost, apiPort, clock, kubernetes, instancePorts, proxyFleet,
                null);
    }

    /**
     * The REST API's address: a loopback address given as a literal (null or blank: 127.0.0.1). Never another one:
     * the API is reached on its host, or through a port-forward on Kubernetes, and is never exposed. A pod whose
     * network is not its own (the test cluster's node agent gives each pod a 127.0.1.N address of the host) binds
     * its pod address.
     *
     * @throws IllegalArgumentException naming {@code --api-host} for anything else
     */
    public static String apiHost(String host) {
        if (host == null || host.isBlank()) {
            return "127.0.0.1";
        }
        boolean loopback = false;
        if (IPV4.matcher(host).matches() || host.contains(":")) {
            try {
                loopback = java.net.InetAddress.getByName(host).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                loopback = false;
            }
        }
        if (!loopback) {
            throw new IllegalArgumentException("--api-host: must be a loopback address (127.0.0.1, another 127.x.y.z, "
                    + "or ::1); the REST API is never exposed (reach an installed one with --kube-namespace); got '"
                    + host + "'");
        }
        return host;
    }

    /** Defaults for {@code home}: spec given, database from {@code BATON_DATABASE_URL} or embedded. */
    public static ControlPlaneOptions of(BatonHome home, SpecFile spec) {
        return new ControlPlaneOptions(home, spec, null, DatabaseConfig.fromEnvironment(System.getenv()),
                "127.0.0.1", 0, Clock.systemUTC(), null, PortRange.ANY, ProxyFleetMode.LOCAL);
    }

    /** The version to deploy on a fresh start, if any. */
    String versionToStart() {
        return initialVersion != null ? initialVersion : spec == null ? null : spec.version();
    }

    /** The same options with instances as Pods on {@code target}. */
    public ControlPlaneOptions onKubernetes(KubeTarget target) {
        return new ControlPlaneOptions(home, spec, initialVersion, database, listenHost, apiPort, clock, target,
                instancePorts, proxyFleet, apiHost);
    }

    /** The same options driving {@code mode}'s proxies. */
    public ControlPlaneOptions withProxyFleet(ProxyFleetMode mode) {
        return new ControlPlaneOptions(home, spec, initialVersion, database, listenHost, apiPort, clock, kubernetes,
                instancePorts, mode, apiHost);
    }
}
