package dev.baton.server.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.kube.ImageMap;
import dev.baton.kube.InstallOptions;
import dev.baton.kube.InstallTokens;
import dev.baton.kube.Installer;
import dev.baton.kube.KubeOptions;
import dev.baton.kube.NodeAgent;
import dev.baton.postgres.EmbeddedDatabase;
import dev.baton.queue.Database;
import dev.baton.rollout.AppSpec;
import dev.baton.server.BatonClient;
import dev.baton.server.BatonHome;
import dev.baton.server.DeployRequest;
import dev.baton.server.KubeTarget;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The stage of {@code baton verify --kubernetes}: Baton itself running as pods on a real Kubernetes API server, made
 * from {@code baton kube install}'s own manifests ({@link Installer}) in a fresh namespace — the control plane's
 * Deployment (2 replicas, one leads) and the proxies' Deployment (2 replicas) — with two {@link NodeAgent}s standing in
 * for kubelets on this host, an embedded PostgreSQL the pods reach on 127.0.0.1, and the sample app's pods, which the
 * leading control plane creates. Traffic goes to one proxy pod's IP (a cluster without kube-proxy has no working
 * Service IP); the command line reaches a control plane through the home the agent wrote for its pod, as a
 * port-forward would. {@link #close()} deletes the namespace and stops the agents and the database.
 */
public final class ClusterStage implements AutoCloseable {
    private static final String APP = "sample";
    private static final Duration BOOT = Duration.ofMinutes(4);
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(90);
    private static final String COMPONENT = "app.kubernetes.io/component";
    /** The label (and taint) of this stage's nodes: its pods run there, and nothing else does. */
    private static final String STAGE_LABEL = "baton.dev/verify-stage";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Path dir;
    private final boolean quick;
    private final PrintStream progress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<NodeAgent> agents = new ArrayList<>();
    private final Map<String, BatonClient> clients = new java.util.concurrent.ConcurrentHashMap<>();
    private KubernetesClient k8s;
    private EmbeddedDatabase database;
    private HikariDataSource dataSource;
    private InstallTokens tokens;
    private String ns;
    private int listen;
    private String trafficPod;
    private URI traffic;

    private ClusterStage(Path dir, boolean quick, PrintStream progress) {
        this.dir = dir.toAbsolutePath();
        this.quick = quick;
        this.progress = progress;
    }

    /**
     * Starts everything in {@code dir} on the cluster of {@code kubeconfig} and waits until v1 serves through the proxy
     * pods, one control plane leads and both proxies are ready.
     */
    public static ClusterStage start(Path dir, Path kubeconfig, boolean quick, PrintStream progress) {
        ClusterStage s = new ClusterStage(dir, quick, progress);
        try {
            s.boot(kubeconfig);
            return s;
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        } catch (Exception e) {
            s.close();
            throw new IllegalStateException("the cluster stage did not start: " + e.getMessage(), e);
        }
    }

    private void boot(Path kubeconfig) throws Exception {
        long t0 = System.nanoTime();
        k8s = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        say("starting PostgreSQL (embedded) under " + dir.resolve("pg"));
        database = EmbeddedDatabase.start(dir.resolve("pg"), 0, EmbeddedDatabase.Durability.FAST);
        dataSource = Database.open(database.config(), 8, "cluster-stage");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ImageMap images = batonImage(classpath);
        ns = "baton-verify-" + UUID.randomUUID().toString().substring(0, 8);
        // Other node agents may share the cluster (other test runs): this stage's pods go only to its own nodes
        // (label), and no other pod comes to them (taint).
        for (String suffix : List.of("a", "b")) {
            String node = NodeAgent.NODE_PREFIX + ProcessHandle.current().pid() + "-" + suffix;
            NodeAgent agent = NodeAgent.start(k8s, node, dir.resolve("node-" + suffix), images);
            agents.add(agent);
            k8s.nodes().withName(node).edit(n -> new NodeBuilder(n).editMetadata().addToLabels(STAGE_LABEL, ns)
                    .endMetadata().editOrNewSpec().addNewTaint().withKey(STAGE_LABEL).withValue(ns)
                    .withEffect("NoSchedule").endTaint().endSpec().build());
        }
        k8s.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        InstallOptions install = InstallOptions.of(APP, ns).withPodNetwork(InstallOptions.PodNetwork.SHARED_HOST)
                .withPlacement(InstallOptions.Placement.dedicated(STAGE_LABEL, ns));
        k8s.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(install.databaseSecret())
                .endMetadata().withStringData(Map.of(KubeOptions.DATABASE_SECRET_KEY,
                        database.config().urlWithCredentials())).build()).create();
        listen = freePort();
        StageOptions o = StageOptions.defaults(dir.resolve(".baton"), quick, progress)
                .onKubernetes(new KubeTarget(kubeconfig, null, ns));
        String spec = placed(StageSpec.write(dir.resolve("sample.yaml"), o, listen, classpath, quick ? "6s" : "15s"));
        tokens = InstallTokens.generate();
        say("installing Baton in namespace " + ns + " (kube install: 2 control planes, 2 proxies) on nodes "
                + agents.stream().map(NodeAgent::nodeName).toList());
        for (Installer.Applied a : Installer.apply(k8s, AppSpec.parse(spec), spec, install, tokens)) {
            say("  " + a.line());
        }
        long deadline = System.nanoTime() + BOOT.toNanos();
        BatonClient leader = awaitLeader(deadline);
        while (!"v1".equals(stable(leader)) || readyProxies().size() < 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("v1 did not serve through 2 ready proxy pods within "
                        + BOOT.toSeconds() + "s; logs in " + dir);
            }
            TimeUnit.MILLISECONDS.sleep(500);
            leader = awaitLeader(deadline);
        }
        Pod proxy = readyProxies().getFirst();
        trafficPod = proxy.getMetadata().getName();
        traffic = URI.create("http://" + proxy.getStatus().getPodIP() + ":" + listen);
        say(String.format("v1 serving after %.1f s; traffic through proxy pod %s at %s", (System.nanoTime() - t0) / 1e9,
                trafficPod, traffic));
    }

    /** The spec file with its pods placed on this stage's nodes ({@code kubernetes.node_selector}, tolerations). */
    @SuppressWarnings("unchecked")
    private String placed(Path specFile) throws IOException {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        Map<String, Object> spec = yaml.readValue(specFile.toFile(), Map.class);
        Map<String, Object> k = (Map<String, Object>) spec.get("kubernetes");
        k.put("node_selector", Map.of(STAGE_LABEL, ns));
        k.put("tolerations", List.of(Map.of("key", STAGE_LABEL, "operator", "Equal", "value", ns,
                "effect", "NoSchedule")));
        String text = yaml.writeValueAsString(spec);
        Files.writeString(specFile, text);
        return text;
    }

    /** Baton's image runs here as this JVM's Java with Baton's classes: {@code baton proxy …} is the proxy. */
    static ImageMap batonImage(String classpath) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return (image, argv) -> {
            if (!image.equals(InstallOptions.DEFAULT_IMAGE) || argv.isEmpty() || !argv.getFirst().equals("baton")) {
                return argv;
            }
            boolean proxy = argv.size() > 1 && argv.get(1).equals("proxy");
            List<String> out = new ArrayList<>(List.of(java, proxy ? "-Xmx128m" : "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-cp", classpath,
                    proxy ? "dev.baton.proxy.ProxyMain" : "dev.baton.server.BatonCommand"));
            out.addAll(argv.subList(proxy ? 2 : 1, argv.size()));
            return out;
        };
    }

    /** Where the load goes: one proxy pod's address and the spec's listen port. */
    public URI traffic() {
        return traffic;
    }

    /** The proxy pod the load goes through. */
    public String trafficPod() {
        return trafficPod;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String namespace() {
        return ns;
    }

    /** The control plane that leads now; waits for one (a takeover) up to {@code timeout}. */
    public BatonClient leader(Duration timeout) throws InterruptedException {
        return awaitLeader(System.nanoTime() + timeout.toNanos());
    }

    /** The instances as the leader reports them ({@code id}, {@code version}, {@code state}, {@code host}, …). */
    public JsonNode instances() throws InterruptedException {
        return leader(Duration.ofSeconds(20)).status().path("instances");
    }

    /**
     * Deploys {@code version} through the leader and follows the rollout to its end on whichever control plane
     * answers, so a takeover in the middle does not lose it.
     */
    public Deploy deploy(String version, String strategy, Map<String, String> env, Duration timeout)
            throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        String section = StageSpec.section(strategy, quick);
        DeployRequest req = section == null ? new DeployRequest(version, null, env)
                : new DeployRequest(version, null, env, section);
        say("deploy " + version + " (" + strategy + (env.isEmpty() ? "" : ", " + env) + ")");
        String id = leader(Duration.ofSeconds(30)).deploy(req);
        while (true) {
            for (BatonClient c : controlPlanes().values()) {
                try {
                    JsonNode d = c.get("/v1/rollouts/" + id);
                    String phase = d.path("rollout").path("phase").asText();
                    if (phase.equals("SUCCEEDED") || phase.equals("ROLLED_BACK")) {
                        Duration took = Duration.ofNanos(System.nanoTime() - t0);
                        JsonNode rollout = d.path("rollout");
                        String reason = rollout.path("reason").isNull() ? null : rollout.path("reason").asText(null);
                        boolean rolledBack = phase.equals("ROLLED_BACK");
                        say(String.format("deploy %s: %s in %.1f s%s", version, phase, took.toMillis() / 1000.0,
                                reason == null ? "" : " (" + reason + ")"));
                        return new Deploy(version, strategy, rolledBack, phase, null, took,
                                rolledBack ? Stage.rollbackDuration(d.path("events")) : null, reason, id);
                    }
                    break; // one answer per round is enough
                } catch (BatonClient.Unreachable | BatonClient.ApiError e) {
                    // this one is gone, starting or standing by without the answer: ask the next
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("rollout " + id + " did not finish within " + timeout.toSeconds() + "s");
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** Whether a rollout is in progress, as the leader says; empty when no control plane answers. */
    public Optional<Boolean> rolloutInProgress() {
        for (BatonClient c : controlPlanes().values()) {
            try {
                JsonNode s = c.status();
                if (!"leader".equals(s.path("leader").path("role").asText())) {
                    continue;
                }
                String phase = s.path("rollout").path("phase").asText("");
                return Optional.of(phase.equals("PROGRESSING") || phase.equals("ROLLING_BACK"));
            } catch (RuntimeException e) {
                // not answering: try the next
            }
        }
        return Optional.empty();
    }

    /** What a leader kill did: the pod killed, the one that took over, and how long that took. */
    public record Takeover(String killed, String successor, Duration took) {}

    /**
     * SIGKILLs the process of the leading control plane's pod (a crash; its Deployment makes a new pod) and waits
     * until another control plane leads. The takeover time runs from the signal to the first status that says
     * {@code leader} on another pod.
     */
    public Takeover killLeader() throws InterruptedException {
        String leaderPod = null;
        for (var e : controlPlanes().entrySet()) {
            try {
                if ("leader".equals(e.getValue().status().path("leader").path("role").asText())) {
                    leaderPod = e.getKey();
                }
            } catch (RuntimeException ignored) {
                // not answering
            }
        }
        if (leaderPod == null) {
            throw new IllegalStateException("no control plane pod leads");
        }
        long at = System.nanoTime();
        if (!agentOf(leaderPod).kill(ns, leaderPod)) {
            throw new IllegalStateException("control plane pod " + leaderPod + " is not running");
        }
        long deadline = at + TAKEOVER_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            for (var e : controlPlanes().entrySet()) {
                if (e.getKey().equals(leaderPod)) {
                    continue;
                }
                try {
                    if ("leader".equals(e.getValue().status().path("leader").path("role").asText())) {
                        return new Takeover(leaderPod, e.getKey(), Duration.ofNanos(System.nanoTime() - at));
                    }
                } catch (RuntimeException ignored) {
                    // not answering yet
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("no control plane took over within " + TAKEOVER_BOUND.toSeconds() + "s after "
                + leaderPod + " was killed");
    }

    /** What a proxy kill did: the replica killed, its replacement, and the table the replacement held when Ready. */
    public record ProxyReplacement(String killed, String replacement, Duration readyAfter, String table,
                                   String servingTable) {}

    /**
     * SIGKILLs the process of a ready proxy pod other than the one the load goes through (its Deployment makes a new
     * pod), then waits until the replacement is Ready and reads the table it holds at that moment.
     */
    public ProxyReplacement killProxy() throws InterruptedException {
        Pod victim = readyProxies().stream().filter(p -> !p.getMetadata().getName().equals(trafficPod)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no ready proxy pod besides " + trafficPod));
        Set<String> before = Set.copyOf(proxies().stream().map(p -> p.getMetadata().getName()).toList());
        String name = victim.getMetadata().getName();
        long at = System.nanoTime();
        if (!agentOf(name).kill(ns, name)) {
            throw new IllegalStateException("proxy pod " + name + " is not running");
        }
        long deadline = at + TAKEOVER_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            for (Pod p : readyProxies()) {
                if (!before.contains(p.getMetadata().getName())) {
                    Duration after = Duration.ofNanos(System.nanoTime() - at);
                    String table = table(p.getStatus().getPodIP());
                    String serving = table(URI.create(traffic.toString()).getHost());
                    return new ProxyReplacement(name, p.getMetadata().getName(), after, table, serving);
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("no new proxy pod was ready within " + TAKEOVER_BOUND.toSeconds() + "s after "
                + name + " was killed");
    }

    /** Deletes the pod of an app instance at once ({@code --grace-period=0 --force}); false when there is none. */
    public boolean forceDelete(String instanceId) {
        List<Pod> pods = k8s.pods().inNamespace(ns).withLabel("baton.dev/instance", instanceId).list().getItems();
        for (Pod p : pods) {
            k8s.pods().inNamespace(ns).withName(p.getMetadata().getName()).withGracePeriod(0).delete();
        }
        return !pods.isEmpty();
    }

    /** A proxy's table as {@code v1=50,v2=50}, read from its admin API; {@code none} when it holds none. */
    private String table(String ip) {
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":"
                            + InstallOptions.PROXY_ADMIN_PORT + "/v1/routes")).timeout(Duration.ofSeconds(2))
                    .header("Authorization", "Bearer " + tokens.proxy()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                return "none (" + res.statusCode() + ")";
            }
            List<String> parts = new ArrayList<>();
            for (JsonNode v : JSON.readTree(res.body()).path("versions")) {
                parts.add(v.path("name").asText() + "=" + v.path("weight").asInt());
            }
            return parts.isEmpty() ? "none" : String.join(",", parts);
        } catch (IOException e) {
            return "none (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "none (interrupted)";
        }
    }

    private BatonClient awaitLeader(long deadline) throws InterruptedException {
        while (true) {
            for (BatonClient c : controlPlanes().values()) {
                try {
                    if ("leader".equals(c.status().path("leader").path("role").asText())) {
                        return c;
                    }
                } catch (RuntimeException e) {
                    // starting, gone, or its home not written yet
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no control plane pod leads; logs in " + dir);
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private static String stable(BatonClient c) {
        try {
            return c.status().path("stableVersion").asText(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A client per running control plane pod, by pod name: its API through the home the agent wrote for it. */
    private Map<String, BatonClient> controlPlanes() {
        Map<String, BatonClient> out = new java.util.LinkedHashMap<>();
        for (Pod p : installed("control-plane")) {
            if ("Running".equals(p.getStatus() == null ? null : p.getStatus().getPhase())) {
                String name = p.getMetadata().getName();
                out.put(name, clients.computeIfAbsent(name, n -> new BatonClient(new BatonHome(
                        agentOf(n).rootOf(ns, n).resolve("var/lib/baton")))));
            }
        }
        return out;
    }

    private List<Pod> proxies() {
        return installed("proxy");
    }

    private List<Pod> readyProxies() {
        return proxies().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null && Readiness.isPodReady(p)
                && p.getStatus().getPodIP() != null).toList();
    }

    private List<Pod> installed(String component) {
        return k8s.pods().inNamespace(ns).withLabel("app.kubernetes.io/name", "baton")
                .withLabel("app.kubernetes.io/part-of", APP).withLabel(COMPONENT, component).list().getItems();
    }

    private NodeAgent agentOf(String pod) {
        Pod p = k8s.pods().inNamespace(ns).withName(pod).get();
        String node = p == null ? null : p.getSpec().getNodeName();
        return agents.stream().filter(a -> a.nodeName().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalStateException("pod " + pod + " runs on no node agent of this stage"));
    }

    private void say(String line) {
        if (progress != null) {
            progress.println(line);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        }
    }

    /** Deletes the namespace (the pods with it), stops the node agents (killing what they run) and PostgreSQL. */
    @Override
    public synchronized void close() {
        if (k8s != null && ns != null) {
            try {
                k8s.namespaces().withName(ns).delete();
            } catch (RuntimeException e) {
                say("namespace " + ns + " not deleted: " + e.getMessage());
            }
        }
        for (NodeAgent a : agents.reversed()) {
            a.close();
        }
        agents.clear();
        if (dataSource != null) {
            dataSource.close();
        }
        if (database != null) {
            database.close();
        }
        if (k8s != null) {
            k8s.close();
        }
    }
}
