package dev.baton.kube;

import dev.baton.rollout.AppSpec;
import dev.baton.rollout.Instance;
import dev.baton.rollout.InstanceDriver;
import dev.baton.rollout.InstanceState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instances as Pods: one Pod per instance ({@link PodManifest}), {@code restartPolicy: Never}, so Baton's supervisor
 * owns restarts as with local processes. The driver watches the app's pods through one informer: {@link #probe}
 * reads the Ready condition from its cache (never a request per call), and a pod that fails or that someone else
 * deletes (eviction, node loss, {@code kubectl delete --force}) is reported as a crash the moment its deletion
 * begins, not when it ends: a pod evicted from a lost node stays Terminating, since no kubelet confirms it, and is
 * removed at once when its grace period has run out ({@link #OVERDUE_SLACK} later). The cluster is the record:
 * {@link #recorded} lists the pods by label, and a restarted control plane adopts those still there. Pod names end
 * in a random suffix and are never reused, so a name names one pod for ever.
 * <p>
 * Baton's proxy routes to {@code podIP:containerPort}; {@link #start} therefore returns once the pod has an IP (the
 * node has taken it), bounded by {@link #START_TIMEOUT}.
 */
public final class KubernetesDriver implements InstanceDriver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubernetesDriver.class);
    /** How long a new pod may take to be scheduled and get an IP before the start counts as failed. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Beyond the grace period: how long the node may take to report a stopped pod gone. */
    static final Duration STOP_SLACK = Duration.ofSeconds(15);
    /** Beyond a deleted pod's grace period: when a pod still Terminating is taken for one on a lost node. */
    static final Duration OVERDUE_SLACK = STOP_SLACK;
    private static final String SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesClient client;
    private final AppSpec spec;
    private final Clock clock;
    private final PodTable table;

    /** What every driver derived by {@link #withSpec} shares: one informer, the tracked pods, the listeners. */
    private static final class PodTable implements ResourceEventHandler<Pod> {
        final KubernetesClient client;
        final String namespace;
        final PodTemplate.PreStopAction preStop;
        final List<CrashListener> listeners = new CopyOnWriteArrayList<>();
        /** Pods this control plane started or adopted, by name: only their ends are crashes. */
        final Set<String> tracked = ConcurrentHashMap.newKeySet();
        final Set<String> stopping = ConcurrentHashMap.newKeySet();
        final Map<String, Instance> instances = new ConcurrentHashMap<>();
        /** Terminating pods watched until they are gone or overdue. */
        final Set<String> terminating = ConcurrentHashMap.newKeySet();
        /** The exit code a node reported for a pod being stopped, read when the pod is gone. */
        final Map<String, Integer> exits = new ConcurrentHashMap<>();
        final Object changed = new Object();
        SharedIndexInformer<Pod> informer;
        volatile boolean closed;

        PodTable(KubernetesClient client, String namespace, PodTemplate.PreStopAction preStop) {
            this.client = client;
            this.namespace = namespace;
            this.preStop = preStop;
        }

        Optional<Pod> pod(String name) {
            return Optional.ofNullable(informer.getStore().getByKey(namespace + "/" + name));
        }

        @Override
        public void onAdd(Pod pod) {
            seen(pod);
        }

        @Override
        public void onUpdate(Pod old, Pod pod) {
            seen(pod);
        }

        @Override
        public void onDelete(Pod pod, boolean finalStateUnknown) {
            gone(pod.getMetadata().getName(), exitCode(pod));
            notifyChange();
        }

        private void seen(Pod pod) {
            String name = pod.getMetadata().getName();
            if (stopping.contains(name) && exitCode(pod) != -1) {
                exits.put(name, exitCode(pod));
            }
            if (ended(pod) && reportable(name) && tracked.remove(name)) {
                crashed(name, exitCode(pod), "ended (" + pod.getStatus().getPhase() + ")");
            }
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                if (reportable(name) && tracked.remove(name)) {
                    // evicted (a lost node's pods, a drain) or deleted by hand: replace it now, not once it is gone
                    crashed(name, exitCode(pod), "is being deleted by someone else (evicted?)");
                }
                removeWhenOverdue(pod);
            }
            notifyChange();
        }

        /**
         * A lost node never confirms a deletion, so its pods would stay Terminating for ever (Kubernetes 1.20 removes
         * them only with the Node object; later versions after an {@code out-of-service} taint). Once the pod's grace
         * period has run out and {@link #OVERDUE_SLACK} more, it is removed at once: its instance is already out of
         * routing and replaced, its name is never reused, and its jobs are fenced by their leases, so even a process
         * still running on a node that was only cut off can do no harm (a kubelet that comes back kills a container
         * whose pod is gone).
         */
        private void removeWhenOverdue(Pod pod) {
            String name = pod.getMetadata().getName();
            if (!terminating.add(name)) {
                return;
            }
            Instant due = Instant.parse(pod.getMetadata().getDeletionTimestamp()).plus(OVERDUE_SLACK);
            Thread.ofPlatform().daemon().name("overdue-" + name).start(() -> {
                try {
                    Duration left = Duration.between(Instant.now(), due);
                    if (!await(name, Optional::isEmpty, left.isNegative() ? Duration.ZERO : left) && !closed) {
                        log.warn("pod {} still Terminating {}s after its grace period ran out (its node is lost?): "
                                + "deleting it at once", name, OVERDUE_SLACK.toSeconds());
                        client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (KubernetesClientException e) {
                    log.warn("cannot delete overdue pod {}: {}", name, e.getMessage());
                } finally {
                    terminating.remove(name);
                }
            });
        }

        private void gone(String name, int code) {
            if (reportable(name) && tracked.remove(name)) {
                crashed(name, code, "was deleted by someone else");
            }
        }

        /** Only an instance the engine knows of (start returned it, or it was adopted) and that nobody stops. */
        private boolean reportable(String name) {
            return instances.containsKey(name) && !stopping.contains(name);
        }

        /** What happened to a pod while it had no instance yet, reported now that it has one. */
        void recheck(String name) {
            pod(name).ifPresentOrElse(this::seen, () -> gone(name, -1));
        }

        private void notifyChange() {
            synchronized (changed) {
                changed.notifyAll();
            }
        }

        private void crashed(String name, int code, String why) {
            Instance i = instances.remove(name);
            if (i == null) {
                return;
            }
            log.warn("pod {} {} with exit code {}", name, why, code);
            for (CrashListener l : listeners) {
                try {
                    l.crashed(i, code);
                } catch (RuntimeException e) {
                    log.warn("crash listener failed for {}", name, e);
                }
            }
        }

        /** Waits until {@code done} holds for the pod (empty when it is gone) or the deadline passes. */
        boolean await(String name, Predicate<Optional<Pod>> done, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (changed) {
                while (!done.test(pod(name))) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(changed, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
                }
                return true;
            }
        }
    }

    /**
     * A driver for {@code spec}'s pods in its {@code kubernetes.namespace} (or the client's namespace); starts the
     * informer and waits until it has listed the app's pods.
     *
     * @throws IllegalArgumentException when the spec has no {@code kubernetes} section
     * @throws KubernetesClientException when the API server cannot be reached
     */
    public static KubernetesDriver connect(KubernetesClient client, AppSpec spec, Clock clock) {
        if (spec.kubernetes() == null) {
            throw new IllegalArgumentException("kubernetes: the spec needs a kubernetes section (at least kubernetes.image) "
                    + "to run on Kubernetes");
        }
        String ns = namespaceOf(client, spec);
        PodTable table = new PodTable(client, ns, preStopAction(client.getKubernetesVersion()));
        table.informer = client.pods().inNamespace(ns)
                .withLabels(Map.of(Labels.NAME, spec.app(), Labels.MANAGED_BY, Labels.BATON))
                .runnableInformer(0);
        table.informer.addEventHandler(table);
        try {
            table.informer.start().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            table.informer.close();
            throw new KubernetesClientException("interrupted while listing the pods of " + spec.app());
        } catch (Exception e) {
            table.informer.close();
            throw new KubernetesClientException("cannot watch the pods of " + spec.app() + " in namespace " + ns + ": "
                    + e.getMessage(), e);
        }
        log.info("watching the pods of {} in namespace {} ({} there now)", spec.app(), ns,
                table.informer.getStore().list().size());
        return new KubernetesDriver(client, spec, clock, table);
    }

    private KubernetesDriver(KubernetesClient client, AppSpec spec, Clock clock, PodTable table) {
        this.client = client;
        this.spec = spec;
        this.clock = clock;
        this.table = table;
    }

    /** A driver for another spec of the same app (another command or environment) over the same pods and listeners. */
    public KubernetesDriver withSpec(AppSpec other) {
        return new KubernetesDriver(client, other, clock, table);
    }

    /** The namespace the pods live in. */
    public String namespace() {
        return table.namespace;
    }

    /** The namespace from the spec, else the client's (kubeconfig), else {@code default}. */
    static String namespaceOf(KubernetesClient client, AppSpec spec) {
        if (spec.kubernetes().namespace() != null) {
            return spec.kubernetes().namespace();
        }
        return client.getNamespace() != null ? client.getNamespace() : "default";
    }

    /** How this cluster's pods get their preStop delay ({@link KubeVersion#preStopAction()}). */
    static PodTemplate.PreStopAction preStopAction(VersionInfo v) {
        return KubeVersion.of(v).preStopAction();
    }

    @Override
    public Instance start(String version) {
        String name = podName(version);
        Pod pod = new KubernetesSerialization().convertValue(
                PodManifest.of(spec, version, name, table.namespace, table.preStop), Pod.class);
        table.tracked.add(name);
        client.pods().inNamespace(table.namespace).resource(pod).create();
        log.info("created pod {} for {} of {}", name, version, spec.app());
        String ip;
        try {
            boolean placed = table.await(name, p -> p.isEmpty() ? false : ip(p.get()) != null || ended(p.get()),
                    START_TIMEOUT);
            ip = table.pod(name).map(KubernetesDriver::ip).orElse(null);
            if (!placed || ip == null) {
                table.tracked.remove(name);
                deleteQuietly(name, 0);
                throw new IllegalStateException("pod " + name + " got no IP within " + START_TIMEOUT.toSeconds()
                        + "s (not scheduled, or no node took it); deleted it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            table.tracked.remove(name);
            deleteQuietly(name, 0);
            throw new IllegalStateException("interrupted while starting pod " + name);
        }
        Instance i = new Instance(name, version, ip, spec.kubernetes().containerPort(), -1,
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        table.instances.put(name, i);
        // it may have ended, or been deleted, since it got its IP: report it now that there is an instance to report
        table.recheck(name);
        return i;
    }

    /** {@code <app>-<version>-<5 random characters>}, lowercase and at most 63 characters. */
    private String podName(String version) {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(SUFFIX_CHARS.charAt(RANDOM.nextInt(SUFFIX_CHARS.length())));
        }
        String v = version.toLowerCase().replaceAll("[^a-z0-9-]", "-");
        String base = spec.app() + "-" + v;
        if (base.length() > 56) {
            base = base.substring(0, 56);
        }
        return base.replaceAll("-+$", "") + "-" + suffix;
    }

    @Override
    public InstanceState probe(Instance instance) {
        Optional<Pod> pod = table.pod(instance.id());
        if (pod.isEmpty() || ended(pod.get()) || pod.get().getMetadata().getDeletionTimestamp() != null) {
            return InstanceState.FAILED;
        }
        return ready(pod.get()) ? InstanceState.READY : InstanceState.STARTING;
    }

    @Override
    public StopOutcome stop(Instance instance, Duration grace) {
        String name = instance.id();
        table.stopping.add(name);
        table.tracked.remove(name);
        table.instances.remove(name);
        Optional<Pod> pod = table.pod(name);
        if (pod.isEmpty() || ended(pod.get())) {
            deleteQuietly(name, 0);
            return StopOutcome.ALREADY_STOPPED;
        }
        // the grace period counts from the start of preStop, so the hook's time comes on top of the caller's grace
        long preStop = PodManifest.termination(spec).preStopSeconds();
        long seconds = preStop + Math.max(1, (grace.toMillis() + 999) / 1000);
        deleteQuietly(name, seconds);
        try {
            Duration bound = Duration.ofSeconds(seconds).plus(STOP_SLACK);
            if (table.await(name, Optional::isEmpty, bound)) {
                Integer code = table.exits.get(name);
                log.info("stopped pod {} (exit code {})", name, code == null ? "unknown" : code);
                return code != null && code == 137 ? StopOutcome.KILLED : StopOutcome.EXITED;
            }
            log.warn("pod {} still there {}s after its deletion: deleting it at once", name, bound.toSeconds());
            deleteQuietly(name, 0);
            table.await(name, Optional::isEmpty, STOP_SLACK);
            return StopOutcome.KILLED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return StopOutcome.KILLED;
        } finally {
            if (table.pod(name).isEmpty()) {
                table.stopping.remove(name);
                table.exits.remove(name);
            }
        }
    }

    private void deleteQuietly(String name, long graceSeconds) {
        try {
            client.pods().inNamespace(table.namespace).withName(name).withGracePeriod(graceSeconds).delete();
        } catch (KubernetesClientException e) {
            log.warn("cannot delete pod {}: {}", name, e.getMessage());
        }
    }

    @Override
    public List<Instance> recorded() {
        return table.informer.getStore().list().stream()
                .filter(p -> !ended(p) && p.getMetadata().getDeletionTimestamp() == null && ip(p) != null)
                .map(this::instanceOf)
                .toList();
    }

    @Override
    public Optional<Instance> adopt(Instance recorded) {
        Optional<Pod> pod = table.pod(recorded.id());
        if (pod.isEmpty() || ended(pod.get()) || pod.get().getMetadata().getDeletionTimestamp() != null) {
            return Optional.empty();
        }
        Instance i = instanceOf(pod.get());
        table.tracked.add(i.id());
        table.instances.put(i.id(), i);
        log.info("adopted pod {} ({}:{}, uid {})", i.id(), i.host(), i.port(), pod.get().getMetadata().getUid());
        return Optional.of(i);
    }

    private Instance instanceOf(Pod p) {
        Map<String, String> labels = p.getMetadata().getLabels();
        Instant created = p.getMetadata().getCreationTimestamp() == null ? clock.instant()
                : Instant.parse(p.getMetadata().getCreationTimestamp());
        return new Instance(p.getMetadata().getName(), labels.get(Labels.VERSION), ip(p), spec.kubernetes().containerPort(),
                -1, created);
    }

    @Override
    public Registration onCrash(CrashListener listener) {
        table.listeners.add(listener);
        return () -> table.listeners.remove(listener);
    }

    /** Stops watching; the pods keep running. */
    @Override
    public void close() {
        table.closed = true;
        table.informer.close();
    }

    static String ip(Pod p) {
        return p.getStatus() == null ? null : p.getStatus().getPodIP();
    }

    static boolean ended(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Failed".equals(phase) || "Succeeded".equals(phase);
    }

    static boolean ready(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    /** The container's exit code as the node reported it, -1 when unknown. */
    static int exitCode(Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return -1;
        }
        for (ContainerStatus s : p.getStatus().getContainerStatuses()) {
            ContainerStateTerminated t = s.getState() == null ? null : s.getState().getTerminated();
            if (t != null && t.getExitCode() != null) {
                return t.getExitCode();
            }
        }
        return -1;
    }
}
