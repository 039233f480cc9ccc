package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every proxy replica, driven as one: each route table goes to every replica, and a call returns only once every
 * replica that answers has applied it, so a step (weights, drain) counts as done only when no answering replica still
 * routes the old way. A replica that does not answer (killed, not started yet) is not ready either, and is left out;
 * a background round, every {@code period}, pushes the current table to each replica that lacks it: one just
 * discovered, one back after a restart (it starts with no table, so it reports ready only after this push), one whose
 * table differs from what it acknowledged. With one fixed replica this is exactly the single local proxy.
 */
final class ProxyFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyFleet.class);

    /** Where a replica stands with the current table. */
    enum ReplicaState { SYNCING, SYNCED, UNREACHABLE }

    /** One replica as the fleet sees it; its lock orders the pushes to it. */
    private static final class Member {
        final ProxyReplicas.Replica replica;
        final ProxyAdmin admin;
        volatile ReplicaState state = ReplicaState.SYNCING;
        /** The table the replica answered with when it last applied ours (null: none yet), and which of ours. */
        JsonNode acknowledged;
        long generation = -1;

        Member(ProxyReplicas.Replica replica, ProxyAdmin admin) {
            this.replica = replica;
            this.admin = admin;
        }
    }

    private final ProxyReplicas replicas;
    private final Function<ProxyReplicas.Replica, ProxyAdmin> connect;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final ExecutorService calls = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("baton-proxy-fleet-", 0).factory());
    private final CountDownLatch closed = new CountDownLatch(1);
    /** The current table and its number, read and written as one. */
    private record Current(String table, long generation) {}

    private volatile Current current;
    /** The leader term this fleet steers under; 0 for none (no election). */
    private volatile long term;
    private long published;
    private Thread loop;

    /**
     * @param connect the admin client of a replica (its token is the fleet's)
     */
    ProxyFleet(ProxyReplicas replicas, Function<ProxyReplicas.Replica, ProxyAdmin> connect) {
        this.replicas = replicas;
        this.connect = connect;
    }

    /** The single proxy of a home: a fleet of one, with no background round (it keeps its table itself). */
    static ProxyFleet of(ProxyAdmin admin) {
        return new ProxyFleet(ProxyReplicas.fixed(List.of(new ProxyReplicas.Replica("proxy", "127.0.0.1", 0))),
                r -> admin);
    }

    /**
     * The proxy replicas of an install ({@code baton kube install}) in {@code namespace}: its proxy pods, found by
     * label, each reached on its pod IP at the admin port with {@code token}; the background round started.
     */
    static ProxyFleet inCluster(io.fabric8.kubernetes.client.KubernetesClient client, String namespace, String app,
                                String token) {
        int port = dev.baton.kube.InstallOptions.PROXY_ADMIN_PORT;
        return new ProxyFleet(new KubeProxyReplicas(client, namespace, app, port),
                r -> new ProxyAdmin(r.host(), r.adminPort(), token)).start(ROUND);
    }

    /** How often the background round looks for replicas that lack the current table. */
    static final Duration ROUND = Duration.ofMillis(500);

    /** Starts the background round that brings every replica to the current table. */
    synchronized ProxyFleet start(Duration period) {
        if (loop == null) {
            loop = Thread.ofPlatform().name("baton-proxy-fleet").daemon().start(() -> run(period));
        }
        return this;
    }

    /**
     * Makes {@code tableJson} the current table on every replica that answers, in parallel, and returns once each has
     * applied it.
     *
     * @throws ProxyAdmin.ProxyAdminException when a replica refused the table, or none answered
     */
    synchronized void publish(String tableJson) {
        long gen = ++published;
        current = new Current(tableJson, gen);
        List<Member> all = discover();
        List<ProxyAdmin.ProxyAdminException> failures = new ArrayList<>();
        int applied = 0;
        for (Future<Void> f : this.<Void>each(all, m -> {
            push(m, tableJson, gen);
            return null;
        })) {
            try {
                f.get();
                applied++;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ProxyAdmin.ProxyAdminException pe) {
                    failures.add(pe);
                } else {
                    throw new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProxyAdmin.ProxyAdminException(0, "interrupted while publishing routes", e);
            }
        }
        for (ProxyAdmin.ProxyAdminException pe : failures) {
            if (pe.status != 0) {
                throw pe; // a replica that answers and refuses: the table itself is wrong
            }
        }
        if (applied == 0 && !failures.isEmpty()) {
            throw failures.getFirst();
        }
        if (!failures.isEmpty()) {
            log.warn("route table applied on {} of {} proxy replicas; {} unreachable, given it when it answers again",
                    applied, all.size(), failures.size());
        }
    }

    /**
     * Drops the current table (a control plane that stops leading): the replicas keep what they hold, and the
     * background round pushes nothing until the next {@link #publish}.
     */
    synchronized void forget() {
        current = null;
    }

    /**
     * From now on every table and drain carries {@code leaderTerm}: a replica that has seen a newer leader refuses
     * them (409), so a push of a deposed leader already under way cannot land after the next leader's first.
     */
    void steerUnder(long leaderTerm) {
        this.term = leaderTerm;
    }

    /** Whether there is a current table to bring the replicas to (none before the first publish or after forget). */
    boolean holdsTable() {
        return current != null;
    }

    /** Runs {@code call} on every replica that answers, in parallel; one answering with an error status fails it. */
    <T> List<T> onEach(Function<ProxyAdmin, T> call) {
        List<T> out = new ArrayList<>();
        List<Member> all = new ArrayList<>(members.values());
        if (all.isEmpty()) {
            all = discover();
        }
        for (Future<T> f : each(all, m -> call.apply(m.admin))) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ProxyAdmin.ProxyAdminException pe && pe.status == 0 && all.size() > 1) {
                    continue; // not answering: not ready, nothing in flight there that could still finish
                }
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProxyAdmin.ProxyAdminException(0, "interrupted while calling the proxies", e);
            }
        }
        return out;
    }

    /** The replicas now and where each stands: id → state. */
    Map<String, ReplicaState> states() {
        Map<String, ReplicaState> out = new java.util.TreeMap<>();
        members.forEach((id, m) -> out.put(id, m.state));
        return out;
    }

    private <T> List<Future<T>> each(List<Member> all, Function<Member, T> call) {
        List<Future<T>> futures = new ArrayList<>();
        for (Member m : all) {
            futures.add(calls.submit(() -> call.apply(m)));
        }
        return futures;
    }

    /** Pushes a table to one replica; under its lock, so a round never pushes an older table after a newer one. */
    private void push(Member m, String tableJson, long gen) {
        synchronized (m) {
            if (m.generation > gen) {
                return;
            }
            try {
                m.acknowledged = m.admin.putRoutesAndRead(tableJson);
                m.generation = gen;
                if (m.state != ReplicaState.SYNCED) {
                    log.info("proxy replica {} ({}:{}) has the current route table", m.replica.id(), m.replica.host(),
                            m.replica.adminPort());
                }
                m.state = ReplicaState.SYNCED;
            } catch (ProxyAdmin.ProxyAdminException e) {
                if (e.status == 0 && m.state != ReplicaState.UNREACHABLE) {
                    log.warn("proxy replica {} does not answer: {}", m.replica.id(), e.getMessage());
                }
                m.state = e.status == 0 ? ReplicaState.UNREACHABLE : ReplicaState.SYNCING;
                throw e;
            }
        }
    }

    /** The replicas discovery sees now; new ones join (SYNCING), those gone are forgotten. */
    private List<Member> discover() {
        List<ProxyReplicas.Replica> now = replicas.current();
        Set<String> ids = new HashSet<>();
        List<Member> out = new ArrayList<>();
        for (ProxyReplicas.Replica r : now) {
            ids.add(r.id());
            Member m = members.compute(r.id(), (id, old) -> old != null && old.replica.equals(r) ? old
                    : new Member(r, connect.apply(r).steeredUnder(() -> term)));
            out.add(m);
        }
        members.keySet().removeIf(id -> !ids.contains(id));
        return out;
    }

    /** One round: every replica that lacks the current table, or lost it, gets it. */
    void syncOnce() {
        Current c = current;
        if (c == null) {
            discover();
            return;
        }
        for (Future<Void> f : this.<Void>each(discover(), m -> {
            sync(m, c);
            return null;
        })) {
            try {
                f.get();
            } catch (ExecutionException e) {
                // logged by push(); the next round tries again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void sync(Member m, Current c) {
        synchronized (m) {
            if (m.state == ReplicaState.SYNCED && m.generation >= c.generation()) {
                JsonNode live;
                try {
                    live = m.admin.routes();
                } catch (ProxyAdmin.ProxyAdminException e) {
                    if (e.status == 0) {
                        log.warn("proxy replica {} does not answer: {}", m.replica.id(), e.getMessage());
                        m.state = ReplicaState.UNREACHABLE;
                    }
                    return;
                }
                if (live.equals(m.acknowledged)) {
                    return;
                }
                log.warn("proxy replica {} holds another route table than it applied (restarted?); pushing the "
                        + "current one", m.replica.id());
            }
        }
        Current latest = current;
        if (latest == null) {
            return; // forgotten meanwhile: this control plane stopped leading
        }
        push(m, latest.table(), latest.generation());
    }

    private void run(Duration period) {
        long failures = 0;
        while (closed.getCount() > 0) {
            try {
                syncOnce();
                failures = 0;
            } catch (RuntimeException e) {
                if (failures++ % 60 == 0) {
                    log.warn("proxy fleet round failed ({} in a row); trying again", failures, e);
                }
            }
            try {
                if (closed.await(period.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed.countDown();
        Thread t;
        synchronized (this) {
            t = loop;
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        calls.shutdownNow();
        replicas.close();
    }
}
