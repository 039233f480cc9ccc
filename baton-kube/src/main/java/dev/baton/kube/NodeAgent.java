package dev.baton.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kubelet stand-in for the tests and {@code baton verify --kubernetes}: registers a Node and keeps its Lease and Ready condition fresh, so the real
 * scheduler binds pods to it and the real node-lifecycle controller leaves it alone; runs each bound pod's command as
 * a local process on a loopback address of its own (127.0.1.N, given to the pod as its IP), with the pod's
 * environment resolved as a kubelet would (values, {@code fieldRef}, {@code secretKeyRef}); probes readiness over
 * HTTP and writes the pod's phase, IP, conditions and container status; on deletion runs the preStop hook, sends
 * SIGTERM, waits out the grace period, SIGKILLs and removes the pod. A pod whose process exits is Succeeded or
 * Failed with its exit code (every pod runs as {@code restartPolicy: Never}, see below).
 * <p>
 * Not covered: images (the command runs on this machine, not in the image), kube-proxy and Services, CNI and network
 * isolation, liveness and startup probes, resources and cgroups, volumes other than those below, container restarts,
 * the kubelet API beyond the log endpoint and WebSocket port-forward ({@link KubeletPortForward}; not exec, attach,
 * SPDY, follow), and the kubelet's exact probe timing.
 * <p>
 * What it does instead:
 * <ul>
 * <li>images: an {@link ImageMap} says what to run on this host for a container of an image (Baton's own image
 * becomes this host's Java running Baton); without one, the container's command runs as written;</li>
 * <li>volumes: {@code emptyDir}, {@code configMap} and {@code secret} volumes (with {@code subPath}, {@code items} and
 * file modes, a secret's 0400 kept) are written under a directory of the pod's own ({@link #rootOf}), and paths under a
 * mount path in the command, arguments and environment are rewritten to it ({@link PodFiles});</li>
 * <li>a ServiceAccount's token, CA and namespace are written there too (no admission plugin mounts them on the test
 * cluster), and the client is pointed at them and at the API server's own address, since no Service IP works;</li>
 * <li>{@code $(VAR)} in the command and arguments is expanded from the container's environment, as a kubelet does;</li>
 * <li>network: every pod shares this host's network, each on a loopback address of its own, so two pods cannot both
 * bind one port on the loopback or on all interfaces (an install for it binds pod IPs:
 * {@code InstallOptions.PodNetwork.SHARED_HOST});</li>
 * <li>{@code restartPolicy: Always} (a Deployment's pods) is run as {@code Never}: a process that exits makes its pod
 * Failed, and its ReplicaSet makes a new pod instead of the container restarting in place.</li>
 * </ul>
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** Node names of agents start with this. */
    public static final String NODE_PREFIX = "baton-agent-";
    /** Pod addresses, shared by the agents of this JVM, from a random start so that other JVMs' agents seldom reuse one. */
    private static final AtomicInteger NEXT_IP = new AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(250));
    /** A lease not renewed for this long belongs to an agent that is gone. */
    private static final Duration STALE = Duration.ofSeconds(15);
    /** A node lost on purpose ({@link #lose}) carries this label and is left to its test for this long. */
    private static final String LOST = "baton.dev/lost";
    private static final Duration LOST_STALE = Duration.ofMinutes(10);

    private final KubernetesClient client;
    private final String node;
    private final Path logs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Map<String, RunningPod> pods = new ConcurrentHashMap<>();
    private final ImageMap images;
    private final SharedIndexInformer<Pod> informer;
    private final Thread heartbeat;
    private final com.sun.net.httpserver.HttpServer logApi;
    private final KubeletPortForward kubeletApi;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean halted = new java.util.concurrent.atomic.AtomicBoolean();

    /** The process of one pod and what the agent knows of it. */
    private final class RunningPod {
        final String namespace;
        final String name;
        final String uid;
        final String ip;
        volatile Process process;
        volatile boolean terminating;
        volatile Boolean ready;

        RunningPod(Pod p, String ip) {
            this.namespace = p.getMetadata().getNamespace();
            this.name = p.getMetadata().getName();
            this.uid = p.getMetadata().getUid();
            this.ip = ip;
        }

        String key() {
            return namespace + "/" + name;
        }
    }

    private NodeAgent(KubernetesClient client, String node, Path logs, ImageMap images) {
        this.client = client;
        this.node = node;
        this.logs = logs;
        this.images = images;
        this.logApi = logApi(logs);
        this.kubeletApi = kubeletApi(logs, logApi, (ns, pod) -> {
            RunningPod r = pods.get(ns + "/" + pod);
            return r == null ? null : r.ip;
        });
        register();
        this.informer = client.pods().inAnyNamespace().withField("spec.nodeName", node).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                changed(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                changed(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                RunningPod r = pods.remove(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
                if (r != null && r.process != null && r.process.isAlive()) {
                    log.info("pod {} removed from the API while running: SIGKILL", r.key());
                    signal(r.process.pid(), "KILL");
                }
            }
        }, 0);
        this.heartbeat = Thread.ofPlatform().name("node-agent-heartbeat").daemon(true).start(this::heartbeatLoop);
    }

    /** Registers node {@code node} and starts running the pods bound to it; their output goes to {@code logs}. */
    static NodeAgent start(KubernetesClient client, String node, Path logs) {
        return new NodeAgent(client, node, logs, ImageMap.NONE);
    }

    /**
     * Registers node {@code node} (its name starts with {@link #NODE_PREFIX}) and starts running the pods bound to it,
     * each with the command line {@code images} gives for its image; their output and files go to {@code dir}.
     */
    public static NodeAgent start(KubernetesClient client, String node, Path dir, ImageMap images) {
        return new NodeAgent(client, node, dir, images);
    }

    /**
     * The kubelet port the API server reaches for pod logs and port-forwards: HTTPS on 127.0.0.1 with a throwaway
     * self-signed certificate (the test cluster's API server is given no kubelet CA, so it does not verify it).
     */
    private static KubeletPortForward kubeletApi(Path dir, com.sun.net.httpserver.HttpServer logApi,
                                                 java.util.function.BiFunction<String, String, String> podAddress) {
        try {
            Files.createDirectories(dir);
            Path store = Files.createTempFile(dir, "kubelet", ".p12");
            Files.delete(store);
            char[] pass = java.util.UUID.randomUUID().toString().toCharArray();
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "kubelet", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=baton-node-agent", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", new String(pass), "-keypass", new String(pass))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make the node agent's certificate");
            }
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                ks.load(in, pass);
            }
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
            javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            return new KubeletPortForward(tls, logApi.getAddress(), podAddress);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the node agent's kubelet port did not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the node agent");
        }
    }

    /**
     * The one kubelet endpoint the API server's pod log API needs ({@code GET /containerLogs/NS/POD/CONTAINER}, with
     * {@code tailLines}), plain HTTP on 127.0.0.1, behind the TLS of {@link #kubeletApi}.
     */
    private static com.sun.net.httpserver.HttpServer logApi(Path dir) {
        try {
            Files.createDirectories(dir);
            var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 16);
            server.createContext("/containerLogs/", ex -> {
                String[] parts = ex.getRequestURI().getPath().split("/");
                byte[] body;
                int status = 200;
                Path file = parts.length >= 4 ? dir.resolve(parts[2] + "_" + parts[3] + ".log") : null;
                if (file == null || !Files.exists(file)) {
                    status = 404;
                    body = "no log\n".getBytes(StandardCharsets.UTF_8);
                } else {
                    List<String> lines = Files.readAllLines(file);
                    String q = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
                    var m = java.util.regex.Pattern.compile("(?:^|&)tailLines=(\\d+)").matcher(q);
                    int tail = m.find() ? Integer.parseInt(m.group(1)) : lines.size();
                    List<String> last = lines.subList(Math.max(0, lines.size() - tail), lines.size());
                    body = (String.join("\n", last) + (last.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8);
                }
                ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                ex.sendResponseHeaders(status, body.length);
                try (var out = ex.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("the node agent's log endpoint did not start: " + e.getMessage(), e);
        }
    }

    /** Where a pod's output goes. */
    Path logOf(String namespace, String pod) {
        return logs.resolve(namespace + "_" + pod + ".log");
    }

    /** The directory under which a pod's mounted files are ({@code /m} of the pod at {@code rootOf(…)/m}). */
    public Path rootOf(String namespace, String pod) {
        return logs.resolve("pods").resolve(namespace + "_" + pod);
    }

    /**
     * SIGKILLs the process group of a pod this agent runs, as a crash of its container would; false when it runs no
     * such pod. The pod then turns Failed (exit 137).
     */
    public boolean kill(String namespace, String pod) {
        RunningPod r = pods.get(namespace + "/" + pod);
        if (r == null || r.process == null || !r.process.isAlive()) {
            return false;
        }
        log.info("pod {}: SIGKILL (a crash)", r.key());
        signal(r.process.pid(), "KILL");
        return true;
    }

    private void register() {
        forgetDeadAgents();
        Node n = new NodeBuilder().withNewMetadata().withName(node).addToLabels("kubernetes.io/hostname", node)
                .addToLabels("kubernetes.io/os", "linux").endMetadata().build();
        if (client.nodes().withName(node).get() == null) {
            client.nodes().resource(n).create();
        }
        heartbeatOnce();
        log.info("node {} registered", node);
    }

    /**
     * Deletes the Nodes of agents that died without closing (a killed test JVM): their leases are stale, but until
     * the node-lifecycle controller notices, the scheduler would bind pods to them that nobody runs.
     */
    private void forgetDeadAgents() {
        for (Node n : client.nodes().list().getItems()) {
            String name = n.getMetadata().getName();
            if (!name.startsWith(NODE_PREFIX) || name.equals(node)) {
                continue;
            }
            Lease l = client.leases().inNamespace("kube-node-lease").withName(name).get();
            ZonedDateTime renewed = l == null || l.getSpec() == null ? null : l.getSpec().getRenewTime();
            Duration stale = n.getMetadata().getLabels() != null && n.getMetadata().getLabels().containsKey(LOST)
                    ? LOST_STALE : STALE;
            if (renewed == null || renewed.isBefore(ZonedDateTime.now(java.time.ZoneOffset.UTC).minus(stale))) {
                log.info("deleting node {} of a node agent that is gone", name);
                client.nodes().withName(name).delete();
            }
        }
    }

    private void heartbeatLoop() {
        while (!closed) {
            try {
                Thread.sleep(HEARTBEAT.toMillis());
                heartbeatOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("node {} heartbeat failed, carrying on: {}", node, e.toString());
            }
        }
    }

    private void heartbeatOnce() {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        NodeCondition ready = new NodeConditionBuilder().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("node agent is posting ready status").withLastHeartbeatTime(now)
                .withLastTransitionTime(now).build();
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("64"), "memory", new Quantity("256Gi"),
                "pods", new Quantity("250"), "ephemeral-storage", new Quantity("100Gi"));
        onConflictRetry(() -> client.nodes().withName(node).editStatus(n -> new NodeBuilder(n).editOrNewStatus()
                .withConditions(List.of(ready)).withCapacity(capacity).withAllocatable(capacity)
                .withAddresses(List.of(new io.fabric8.kubernetes.api.model.NodeAddress("127.0.0.1", "InternalIP")))
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(kubeletApi.port())
                .endKubeletEndpoint().endDaemonEndpoints()
                .withNewNodeInfo().withKubeletVersion("v1.20.2").withOperatingSystem("linux").withArchitecture("amd64")
                .withContainerRuntimeVersion("baton-node-agent://1").withKernelVersion("").withOsImage("")
                .withKubeProxyVersion("").withBootID("").withMachineID("").withSystemUUID("").endNodeInfo()
                .endStatus().build()));
        ZonedDateTime micro = ZonedDateTime.now(java.time.ZoneOffset.UTC);
        Lease existing = client.leases().inNamespace("kube-node-lease").withName(node).get();
        if (existing == null) {
            client.leases().inNamespace("kube-node-lease").resource(new LeaseBuilder().withNewMetadata().withName(node)
                    .withNamespace("kube-node-lease").endMetadata().withNewSpec().withHolderIdentity(node)
                    .withLeaseDurationSeconds(40).withRenewTime(micro).endSpec().build()).create();
        } else {
            onConflictRetry(() -> client.leases().inNamespace("kube-node-lease").withName(node)
                    .edit(l -> new LeaseBuilder(l).editSpec().withRenewTime(micro).endSpec().build()));
        }
    }

    private void changed(Pod pod) {
        if (closed) {
            return;
        }
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        RunningPod r = pods.get(key);
        if (r == null && pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && (pod.getStatus().getPhase() == null || "Pending".equals(pod.getStatus().getPhase()))) {
            RunningPod fresh = new RunningPod(pod, "127.0.1." + (1 + NEXT_IP.getAndIncrement() % 250));
            if (pods.putIfAbsent(key, fresh) == null) {
                Thread.ofVirtual().name("pod-" + key).start(() -> run(fresh, pod));
            }
        } else if (r != null && pod.getMetadata().getDeletionTimestamp() != null && !r.terminating) {
            r.terminating = true;
            long grace = pod.getMetadata().getDeletionGracePeriodSeconds() == null ? 30
                    : pod.getMetadata().getDeletionGracePeriodSeconds();
            Thread.ofVirtual().name("stop-" + key).start(() -> terminate(r, pod, grace));
        } else if (r == null && pod.getMetadata().getDeletionTimestamp() != null) {
            remove(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getMetadata().getUid());
        }
    }

    /** Starts the pod's process, reports it Running, then probes readiness until the process ends. */
    private void run(RunningPod r, Pod pod) {
        Container c = pod.getSpec().getContainers().getFirst();
        try {
            Map<String, String> env = environment(pod, c, r.ip);
            PodFiles files = PodFiles.materialize(client, pod, c, rootOf(r.namespace, r.name));
            env.replaceAll((name, value) -> files.resolve(value, Map.of()));
            env.putAll(files.env());
            List<String> command = new ArrayList<>(c.getCommand());
            if (c.getArgs() != null) {
                command.addAll(c.getArgs());
            }
            List<String> argv = new ArrayList<>(List.of("setsid"));
            argv.addAll(images.argv(c.getImage(), command.stream().map(a -> files.resolve(a, env)).toList()));
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().clear();
            pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            pb.environment().putAll(env);
            Files.createDirectories(logs);
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                    logOf(r.namespace, r.name).toFile())).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            r.process = pb.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (IOException | RuntimeException e) {
            log.warn("pod {} cannot start: {}", r.key(), e.toString());
            status(r, "Failed", false, terminated(c.getName(), 128, "StartError", e.getMessage()));
            return;
        }
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        status(r, "Running", false, new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                .withImageID("").withReady(false).withRestartCount(0).withStarted(true)
                .withNewState().withNewRunning().withStartedAt(started).endRunning().endState().build());
        Probe probe = c.getReadinessProbe();
        long period = probe == null || probe.getPeriodSeconds() == null ? 2 : probe.getPeriodSeconds();
        while (r.process.isAlive() && !closed) {
            if (!r.terminating) {
                boolean ok = probe == null || probe(probe, c, r.ip);
                if (r.ready == null || r.ready != ok) {
                    r.ready = ok;
                    status(r, "Running", ok, new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                            .withImageID("").withReady(ok).withRestartCount(0).withStarted(true)
                            .withNewState().withNewRunning().withStartedAt(started).endRunning().endState().build());
                }
            }
            try {
                r.process.waitFor(Math.min(period, 1), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (closed) {
            return;
        }
        int code = r.process.exitValue();
        if (!r.terminating) {
            log.info("pod {} exited on its own with code {}", r.key(), code);
            status(r, code == 0 ? "Succeeded" : "Failed", false,
                    terminated(c.getName(), code, code == 0 ? "Completed" : "Error", null));
        }
    }

    private boolean probe(Probe probe, Container c, String ip) {
        HTTPGetAction get = probe.getHttpGet();
        if (get == null) {
            return true;
        }
        int port = port(get.getPort() == null ? null : get.getPort().getStrVal(),
                get.getPort() == null ? null : get.getPort().getIntVal(), c);
        try {
            int status = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + get.getPath()))
                    .timeout(Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds()))
                    .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 400;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int port(String name, Integer number, Container c) {
        if (number != null) {
            return number;
        }
        for (ContainerPort p : c.getPorts()) {
            if (name.equals(p.getName())) {
                return p.getContainerPort();
            }
        }
        throw new IllegalArgumentException("no container port named " + name);
    }

    /** The container's environment as a kubelet resolves it. */
    private Map<String, String> environment(Pod pod, Container c, String ip) {
        Map<String, String> env = new HashMap<>();
        if (c.getEnv() == null) {
            return env;
        }
        for (EnvVar e : c.getEnv()) {
            if (e.getValueFrom() == null) {
                env.put(e.getName(), e.getValue() == null ? "" : e.getValue());
            } else if (e.getValueFrom().getFieldRef() != null) {
                String field = e.getValueFrom().getFieldRef().getFieldPath();
                env.put(e.getName(), switch (field) {
                    case "metadata.name" -> pod.getMetadata().getName();
                    case "metadata.namespace" -> pod.getMetadata().getNamespace();
                    case "metadata.uid" -> pod.getMetadata().getUid();
                    case "status.podIP", "status.hostIP" -> ip;
                    case "spec.nodeName" -> node;
                    default -> throw new IllegalArgumentException("fieldRef " + field + " is not supported by the node agent");
                });
            } else if (e.getValueFrom().getSecretKeyRef() != null) {
                var ref = e.getValueFrom().getSecretKeyRef();
                Secret s = client.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(ref.getName()).get();
                String data = s == null || s.getData() == null ? null : s.getData().get(ref.getKey());
                if (data == null) {
                    throw new IllegalArgumentException("Secret " + ref.getName() + " has no key " + ref.getKey());
                }
                env.put(e.getName(), new String(java.util.Base64.getDecoder().decode(data), StandardCharsets.UTF_8));
            } else {
                throw new IllegalArgumentException("env " + e.getName() + ": only values, fieldRef and secretKeyRef");
            }
        }
        return env;
    }

    /** preStop, SIGTERM, the rest of the grace period, SIGKILL, then the pod is removed from the API. */
    private void terminate(RunningPod r, Pod pod, long graceSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        Process p = r.process;
        Container c = pod.getSpec().getContainers().getFirst();
        int code;
        if (p != null && p.isAlive()) {
            preStop(c, r, deadline);
            signal(p.pid(), "TERM");
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    log.info("pod {} still running after its grace period of {}s: SIGKILL", r.key(), graceSeconds);
                    signal(p.pid(), "KILL");
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            code = p.isAlive() ? 137 : p.exitValue();
            status(r, "Failed".equals(pod.getStatus().getPhase()) ? "Failed" : "Running", false,
                    terminated(c.getName(), code, code == 137 ? "Killed" : "Completed", null));
        }
        remove(r.namespace, r.name, r.uid);
        pods.remove(r.key());
    }

    private void preStop(Container c, RunningPod r, long deadline) {
        LifecycleHandler h = c.getLifecycle() == null ? null : c.getLifecycle().getPreStop();
        if (h == null) {
            return;
        }
        try {
            if (h.getSleep() != null) {
                long ms = Math.min(h.getSleep().getSeconds() * 1000, (deadline - System.nanoTime()) / 1_000_000);
                Thread.sleep(Math.max(0, ms));
            } else if (h.getExec() != null) {
                Process hook = new ProcessBuilder(h.getExec().getCommand()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!hook.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    hook.destroyForcibly();
                }
            }
        } catch (IOException e) {
            log.warn("pod {}: preStop failed: {}", r.key(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The final delete a kubelet sends once the containers are gone: grace 0, only for this pod (its UID). */
    private void remove(String namespace, String name, String uid) {
        try {
            client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            log.debug("pod {}/{} already gone: {}", namespace, name, e.getMessage());
        }
    }

    private static ContainerStatus terminated(String name, int code, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return new ContainerStatusBuilder().withName(name).withImage("").withImageID("").withReady(false)
                .withRestartCount(0).withStarted(false).withNewState().withNewTerminated().withExitCode(code)
                .withReason(reason).withMessage(message).withFinishedAt(now).endTerminated().endState().build();
    }

    private void status(RunningPod r, String phase, boolean ready, ContainerStatus container) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String readyText = ready ? "True" : "False";
        List<PodCondition> conditions = List.of(
                condition("Initialized", "True", now), condition("Ready", readyText, now),
                condition("ContainersReady", readyText, now), condition("PodScheduled", "True", now));
        try {
            onConflictRetry(() -> client.pods().inNamespace(r.namespace).withName(r.name).editStatus(p -> {
                var b = new io.fabric8.kubernetes.api.model.PodBuilder(p).editOrNewStatus().withPhase(phase)
                        .withHostIP("127.0.0.1").withPodIP(r.ip).withPodIPs(new PodIPBuilder().withIp(r.ip).build())
                        .withConditions(conditions).withContainerStatuses(container);
                if (p.getStatus() == null || p.getStatus().getStartTime() == null) {
                    b = b.withStartTime(now);
                }
                return b.endStatus().build();
            }));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                log.debug("pod {} is gone: status not written", r.key());
            } else {
                log.warn("pod {}: status not written: {}", r.key(), e.getMessage());
            }
        }
    }

    /** An edit that lost a race with another writer (409) is read and applied again, as a kubelet does. */
    private static void onConflictRetry(Runnable edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                edit.run();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static PodCondition condition(String type, String status, String now) {
        return new PodConditionBuilder().withType(type).withStatus(status).withLastTransitionTime(now).build();
    }

    private static void signal(long pgid, String signal) {
        try {
            new ProcessBuilder("kill", "-s", signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            log.warn("cannot send SIG{} to {}: {}", signal, pgid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Its Node's name: a pod bound to it ({@code spec.nodeName}) runs here, whichever other agents are up. */
    public String nodeName() {
        return node;
    }

    /**
     * Loses this node as a machine that dies does: the heartbeat stops (neither the Lease nor the Ready condition is
     * renewed), so the real node-lifecycle controller marks the node NotReady after its grace period, taints it
     * {@code node.kubernetes.io/unreachable:NoExecute} and evicts its pods once their toleration runs out; the agent
     * stops watching, so it confirms no deletion and the evicted pods stay Terminating until someone force-deletes
     * them; and every pod's processes are SIGKILLed without a word to the API (no phase, no exit code), so nothing
     * answers at their addresses any more. SIGKILL rather than SIGSTOP: a lost machine's processes are gone, and
     * what the rest of the system sees of them (a held job's lease no longer renewed, a pod that never answers
     * again) is the same. Unlike on a real network, where a dead host's addresses do not answer at all, a connection
     * to a pod's loopback address is refused at once. The Node object stays, as a dead node's does (labelled
     * {@code baton.dev/lost}, so that agents of other test JVMs leave it for 10 minutes); {@link #close} removes it.
     *
     * @return when the node was lost
     */
    public Instant lose() {
        Instant at = Instant.now();
        log.info("node {} lost: no more heartbeats, its {} pod(s) killed unseen", node, pods.size());
        // so that an agent starting in another test JVM does not take it for a dead agent's and delete it mid-test
        client.nodes().withName(node).edit(n -> new NodeBuilder(n).editMetadata().addToLabels(LOST, "true")
                .endMetadata().build());
        halt();
        return at;
    }

    /** Stops the heartbeat, the watch and the log endpoint, and SIGKILLs every pod's processes. Once. */
    private void halt() {
        if (!halted.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        informer.close();
        heartbeat.interrupt();
        kubeletApi.close();
        logApi.stop(0);
        for (RunningPod r : pods.values()) {
            if (r.process != null && r.process.isAlive()) {
                signal(r.process.pid(), "KILL");
            }
        }
    }

    /**
     * Kills every process it runs (as a node that dies would), stops, and deletes its Node, so the scheduler binds
     * nothing more to it.
     */
    @Override
    public void close() {
        halt();
        pods.clear();
        try {
            client.nodes().withName(node).delete();
        } catch (KubernetesClientException e) {
            log.warn("node {} not deleted: {}", node, e.getMessage());
        }
    }
}
