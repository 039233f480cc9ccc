package dev.baton.server;

import dev.baton.common.DatabaseConfig;
import dev.baton.rollout.PortRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton up [spec.yaml]}: runs the control plane in the foreground until interrupted. Stopping it leaves
 * the data plane (proxy, instances, embedded PostgreSQL) running; {@code baton down} stops everything.
 */
@Command(name = "up", description = "Run the control plane (database, proxy, instances, REST API) in the foreground.")
final class UpCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "SPEC", description = "The app spec (YAML); needed on the first start.")
    Path specFile;

    @Option(names = "--version", description = "The version to deploy when nothing was ever deployed here.")
    String version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--home", description = "The .baton directory (default: $BATON_HOME or ./.baton).")
    Path home;

    @Option(names = "--listen-host", defaultValue = "127.0.0.1",
            description = "Address of the proxy's public port (0.0.0.0 to serve other machines).")
    String listenHost;

    @Option(names = "--api-port", defaultValue = "0", description = "REST API port on 127.0.0.1 (0: any free port).")
    int apiPort;

    @Option(names = "--api-host", defaultValue = "127.0.0.1", description = "The loopback address the REST API binds "
            + "(another 127.x.y.z for a pod that shares its host's network); never a public one.")
    String apiHost;

    @Option(names = "--kubernetes", description = "Run the instances as Pods on a Kubernetes cluster (the spec needs a "
            + "kubernetes section); the control plane and the proxy run here and route to the pods' IPs.")
    boolean kubernetes;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "With --kubernetes: the kubeconfig (default: $KUBECONFIG or ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", description = "With --kubernetes: the kubeconfig context (default: its current one).")
    String context;

    @Option(names = "--namespace", description = "With --kubernetes: the namespace of the pods (default: the spec's "
            + "kubernetes.namespace, else the context's).")
    String namespace;

    @Option(names = "--instance-ports", description = "Confine the instances' ports to a range, FIRST-LAST "
            + "(e.g. 20000-20999, for a host whose firewall opens only those; default: any free port).")
    String instancePorts;

    @Option(names = "--proxy-fleet", paramLabel = "MODE", defaultValue = "${env:BATON_PROXY_FLEET:-local}",
            description = "The proxies to drive: local (a proxy process started here, the default) or kubernetes (with "
                    + "--kubernetes: the proxy pods of 'baton kube install' in the namespace, no proxy here; only the "
                    + "leader pushes them tables). Default: $BATON_PROXY_FLEET, else local.")
    String proxyFleet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Everything that can be checked is checked before anything starts (bad input exits 2).
        SpecFile spec = specFile == null ? null : readSpec(specFile);
        if (version != null) {
            DeployRequest.of(version);
        }
        PortRange ports;
        try {
            ports = instancePorts == null ? PortRange.ANY : PortRange.parse("--instance-ports", instancePorts);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            ControlPlaneOptions.apiHost(apiHost);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(this.spec.commandLine(), e.getMessage());
        }
        BatonHome h = home != null ? new BatonHome(home) : BatonHome.fromEnvironment();
        KubeTarget kube = kubeTarget(spec);
        ProxyFleetMode fleet;
        try {
            fleet = ProxyFleetMode.parse("--proxy-fleet", proxyFleet);
            if (fleet == ProxyFleetMode.KUBERNETES && kube == null) {
                throw new IllegalArgumentException("--proxy-fleet kubernetes: only with --kubernetes");
            }
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(this.spec.commandLine(), e.getMessage());
        }
        DatabaseConfig db;
        try {
            db = DatabaseConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage() + " (in " + DatabaseConfig.URL_ENV + ")");
        }
        ControlPlane cp = ControlPlane.start(new ControlPlaneOptions(h, spec, version, db, listenHost, apiPort,
                Clock.systemUTC(), kube, ports, fleet, apiHost));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cp.close();
            stopped.countDown();
        }, "baton-up-shutdown"));
        var err = this.spec.commandLine().getErr();
        String traffic = fleet == ProxyFleetMode.KUBERNETES ? "the proxy pods, port " + cp.trafficPort()
                : "http://" + listenHost + ":" + cp.trafficPort();
        err.printf("baton: control plane up. traffic: %s  API: %s:%d (token in %s)%n", traffic, apiHost,
                cp.apiPort(), h.tokenFile());
        err.println("baton: Ctrl-C stops the control plane only; the proxy and instances keep serving. "
                + "'baton down' stops everything.");
        err.flush();
        stopped.await();
        return 0;
    }

    /** The cluster to drive, or null for local processes; a bad option is a usage error naming it. */
    private KubeTarget kubeTarget(SpecFile specFile) {
        try {
            if (!kubernetes) {
                if (kubeconfig != null || context != null || namespace != null) {
                    throw new IllegalArgumentException("--kubeconfig, --context and --namespace: only with --kubernetes");
                }
                return null;
            }
            KubeTarget target = new KubeTarget(kubeconfig, context, namespace);
            if (specFile != null) {
                target.apply(specFile.spec());
            }
            return target;
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(this.spec.commandLine(), e.getMessage());
        }
    }

    private static SpecFile readSpec(Path file) {
        if (!Files.isRegularFile(file)) {
            throw ApiException.badRequest("SPEC: no such file: " + file);
        }
        try {
            return SpecFile.load(file);
        } catch (IOException e) {
            throw ApiException.badRequest("SPEC: cannot read " + file + ": " + e.getMessage());
        }
    }
}
