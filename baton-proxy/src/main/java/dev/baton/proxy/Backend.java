package dev.baton.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of a service the proxy forwards to: its state, what it has in flight, and its idle
 * keep-alive connections. Thread-safe; states change by compare-and-set only.
 *
 * <p>Idle connections are pooled per event loop, and a pool is touched only by its own loop, so the
 * request path takes no lock: a client connection and the backend connections it uses live on the
 * same loop.
 */
public final class Backend {

    private static final Logger log = LoggerFactory.getLogger(Backend.class);

    private final BackendAddress address;
    private final String id;
    private final InetSocketAddress socketAddress;
    private final AtomicReference<BackendState> state;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger upgraded = new AtomicInteger();
    private final AtomicInteger successes = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final ChannelGroup channels;
    private final ConcurrentHashMap<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
    private final Queue<CompletableFuture<Boolean>> idleWaiters = new ConcurrentLinkedQueue<>();
    private final AtomicReference<CompletableFuture<DrainResult>> drain = new AtomicReference<>();
    private volatile String version = "";

    Backend(BackendAddress address, BackendState initial) {
        this.address = address;
        this.id = address.toString();
        this.socketAddress = address.socketAddress();
        this.state = new AtomicReference<>(initial);
        this.channels = new DefaultChannelGroup("backend-" + id, GlobalEventExecutor.INSTANCE);
    }

    /** The id, {@code host:port}. */
    public String id() {
        return id;
    }

    public BackendAddress address() {
        return address;
    }

    public BackendState state() {
        return state.get();
    }

    /** The version this backend serves in the current route table. */
    public String version() {
        return version;
    }

    /** Requests sent to this backend whose response has not completed. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Upgraded connections (e.g. WebSocket) to this backend that are still open. */
    public int upgraded() {
        return upgraded.get();
    }

    /** True when nothing is in flight and no upgraded connection is open. */
    public boolean isIdle() {
        return inFlight.get() == 0 && upgraded.get() == 0;
    }

    boolean isReady() {
        return state.get() == BackendState.READY;
    }

    InetSocketAddress socketAddress() {
        return socketAddress;
    }

    void version(String v) {
        version = v;
    }

    // ---- health -------------------------------------------------------------------------------

    /** Passive check: a refused or reset connection takes the backend out at once. */
    void markFailed(String reason) {
        successes.set(0);
        BackendState s = state.get();
        if ((s == BackendState.READY || s == BackendState.STARTING) && state.compareAndSet(s, BackendState.FAILED)) {
            log.warn("backend {} marked FAILED: {}", id, reason);
        }
    }

    /** Active check result; moves the state as {@code check} decides. */
    void checked(boolean ok, HealthCheck check) {
        int s;
        int f;
        if (ok) {
            s = successes.incrementAndGet();
            failures.set(0);
            f = 0;
        } else {
            f = failures.incrementAndGet();
            successes.set(0);
            s = 0;
        }
        BackendState current = state.get();
        BackendState next = check.next(current, s, f);
        if (next != current && state.compareAndSet(current, next)) {
            log.info("backend {} {} -> {}", id, current, next);
        }
    }

    // ---- pool (event-loop confined) -------------------------------------------------------------

    /** An idle, open connection from this loop's pool, or null. Call on {@code loop}. */
    Channel pooled(EventLoop loop) {
        ArrayDeque<Channel> q = idle.get(loop);
        if (q == null) {
            return null;
        }
        Channel ch;
        while ((ch = q.pollLast()) != null) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    /** Keeps {@code ch} for reuse when this backend is READY and the pool has room; else closes it. */
    void release(Channel ch, int maxIdle) {
        if (ch.isActive() && isReady()) {
            ArrayDeque<Channel> q = idle.computeIfAbsent(ch.eventLoop(), l -> new ArrayDeque<>());
            if (q.size() < maxIdle) {
                q.addLast(ch);
                return;
            }
        }
        ch.close();
    }

    /** Forgets a pooled connection that closed. Call on the channel's loop. */
    void forget(Channel ch) {
        ArrayDeque<Channel> q = idle.get(ch.eventLoop());
        if (q != null) {
            q.remove(ch);
        }
    }

    void track(Channel ch) {
        channels.add(ch);
    }

    /** Open connections to this backend (pooled, busy and upgraded). */
    public int openConnections() {
        return channels.size();
    }

    private void closeIdleConnections() {
        idle.forEach((loop, q) -> loop.execute(() -> {
            Channel ch;
            while ((ch = q.pollFirst()) != null) {
                ch.close();
            }
        }));
    }

    // ---- in flight ----------------------------------------------------------------------------

    /**
     * Admits one request if this backend is READY, counting it in flight in the same step. The count
     * goes up before the state is read and {@link #drain} changes the state before it reads the count,
     * so a request admitted concurrently with a drain is always one the drain waits for, and a drain
     * that found the backend idle never sees a request admitted after it (kamal-proxy's
     * {@code Target.StartRequest}, lock-free).
     */
    boolean tryAdmit() {
        inFlight.incrementAndGet();
        if (state.get() == BackendState.READY) {
            return true;
        }
        requestEnded();
        return false;
    }

    void requestEnded() {
        if (inFlight.decrementAndGet() == 0) {
            signalIfIdle();
        }
    }

    void upgradeStarted() {
        upgraded.incrementAndGet();
    }

    void upgradeEnded() {
        if (upgraded.decrementAndGet() == 0) {
            signalIfIdle();
        }
    }

    private void signalIfIdle() {
        if (!isIdle()) {
            return;
        }
        CompletableFuture<Boolean> w;
        while ((w = idleWaiters.poll()) != null) {
            w.complete(true);
        }
    }

    /**
     * Completes with true as soon as this backend is idle, or with false when {@code timeout}
     * passes first. Never blocks.
     */
    public CompletableFuture<Boolean> awaitIdle(Duration timeout, ScheduledExecutorService scheduler) {
        if (isIdle()) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<Boolean> w = new CompletableFuture<>();
        idleWaiters.add(w);
        if (isIdle()) { // it may have become idle between the check and the add
            signalIfIdle();
        }
        scheduler.schedule(() -> {
            idleWaiters.remove(w);
            w.complete(isIdle());
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return w;
    }

    // ---- drain --------------------------------------------------------------------------------

    /**
     * Stops new requests to this backend at once, closes its idle connections, lets what is in
     * flight finish until {@code timeout}, then closes what is left. Idempotent: a second call
     * returns the first call's result. Ends in {@link BackendState#STOPPED}.
     */
    CompletableFuture<DrainResult> drain(Duration timeout, ScheduledExecutorService scheduler) {
        CompletableFuture<DrainResult> result = new CompletableFuture<>();
        if (!drain.compareAndSet(null, result)) {
            return drain.get();
        }
        long start = System.nanoTime();
        BackendState s;
        do {
            s = state.get();
        } while (s != BackendState.STOPPED && !state.compareAndSet(s, BackendState.DRAINING));
        log.info("backend {} draining (in flight {}, upgraded {}, deadline {})", id, inFlight(), upgraded(), timeout);
        closeIdleConnections();
        awaitIdle(timeout, scheduler).whenComplete((idleInTime, err) -> {
            int cutRequests = inFlight();
            int cutUpgraded = upgraded();
            boolean completed = Boolean.TRUE.equals(idleInTime);
            if (!completed) {
                log.warn("backend {} drain deadline passed; closing {} requests and {} upgraded connections",
                        id, cutRequests, cutUpgraded);
            }
            channels.close();
            state.set(BackendState.STOPPED);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            result.complete(new DrainResult(id, completed, completed ? 0 : cutRequests,
                    completed ? 0 : cutUpgraded, took));
        });
        return result;
    }

    /** The running or finished drain, or null if the backend was never drained. */
    CompletableFuture<DrainResult> drainResult() {
        return drain.get();
    }

    @Override
    public String toString() {
        return "Backend[" + id + " " + state.get() + " inFlight=" + inFlight() + " upgraded=" + upgraded() + "]";
    }
}
