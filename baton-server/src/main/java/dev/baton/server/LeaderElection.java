package dev.baton.server;

import dev.baton.queue.LeaderLease;
import dev.baton.queue.LeaderTerm;
import dev.baton.queue.NotLeaderException;
import dev.baton.queue.WriteFence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the election for one control plane: every {@code every} the leader renews its lease and a standby tries to
 * take it ({@link LeaderLease}); {@link Leadership#after} decides, and this loop tells the {@link Listener} to lead
 * or to step down. A write refused by the fence ({@link #fence}) wakes the loop at once. The loop never dies: a
 * failing turn is logged (the first, then every 30s while it keeps failing), counted, and followed by the next.
 *
 * <p>Leading and stepping down run in order on a thread of their own, never on the loop's: taking over (adopting
 * the instances, resuming a rollout) can take longer than a lease, and the lease must be renewed meanwhile.
 */
final class LeaderElection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);
    private static final Duration REPEAT_WARNING = Duration.ofSeconds(30);

    /** What a new leader and a deposed one do, one at a time, in the order decided, on the election's action thread. */
    interface Listener {
        /** Start driving: adopt the instances, resume the rollout. Throwing steps down (the next turn tries again). */
        void lead(LeaderTerm term);

        /** Stop driving now; the instances keep running. */
        void stepDown(LeaderTerm term, String why);
    }

    private final LeaderLease lease;
    private final String holder;
    private final Clock clock;
    private final Duration every;
    private final Listener listener;
    private final BlockingQueue<LeaderAttempt.Lost> losses = new LinkedBlockingQueue<>();
    private final ExecutorService actions = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("baton-leader-actions").daemon(true).unstarted(r));
    private final AtomicLong failedTurns = new AtomicLong();
    private volatile Leadership state = Leadership.standby(null);
    private volatile boolean closed;
    private Thread thread;
    private Instant lastWarning;

    /** @param every how often the leader renews and a standby tries (a fifth of the lease is usual) */
    LeaderElection(LeaderLease lease, String holder, Clock clock, Duration every, Listener listener) {
        this.lease = lease;
        this.holder = holder;
        this.clock = clock;
        this.every = every;
        this.listener = listener;
    }

    /**
     * Takes one turn on the caller's thread, starts the loop, and, when that turn won the lease, waits until this
     * control plane leads (renewing meanwhile): a start that fails to take over throws.
     */
    LeaderElection start() {
        Future<?> first = turn(null);
        thread = Thread.ofPlatform().name("baton-leader-election").daemon(true).start(this::loop);
        if (first != null) {
            try {
                first.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while taking over", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return this;
    }

    Leadership state() { return state; }
    String holder() { return holder; }
    long failedTurns() { return failedTurns.get(); }

    /** {@code term}'s check, reporting a refusal to this election so that it steps down at once. */
    WriteFence fence(LeaderTerm term) {
        return c -> {
            try {
                term.check(c);
            } catch (NotLeaderException e) {
                losses.add(new LeaderAttempt.Lost(term, e.getMessage()));
                throw e;
            }
        };
    }

    private void loop() {
        while (!closed) {
            try {
                LeaderAttempt.Lost lost = losses.poll(every.toMillis(), TimeUnit.MILLISECONDS);
                if (!closed) {
                    turn(lost);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    /** One turn; the action it decided, queued on the action thread (null when none). Only the loop (or start) turns. */
    private Future<?> turn(LeaderAttempt.Lost lost) {
        Leadership before = state;
        LeaderAttempt attempt = lost != null ? lost : attempt(before);
        Leadership.Change change = before.after(attempt, lease.ttl());
        state = change.next();
        return switch (change.action()) {
            case LEAD -> {
                LeaderTerm term = change.next().term();
                log.info("leading: {}", change.why());
                yield actions.submit(() -> {
                    if (closed) {
                        return; // decided just before close: a stopping control plane takes nothing over
                    }
                    try {
                        listener.lead(term);
                    } catch (RuntimeException e) {
                        failed(e);
                        losses.add(new LeaderAttempt.Lost(term, "taking over failed: " + e.getMessage()));
                        throw e;
                    }
                });
            }
            case STEP_DOWN -> {
                LeaderTerm term = before.term();
                log.warn("stepping down from term {}: {}", term.term(), change.why());
                yield actions.submit(() -> listener.stepDown(term, change.why()));
            }
            case NONE -> null;
        };
    }

    private LeaderAttempt attempt(Leadership now) {
        Instant at = clock.instant();
        try {
            LeaderAttempt found;
            if (now.leads()) {
                found = lease.renew(now.term()) ? new LeaderAttempt.Renewed(at) : new LeaderAttempt.NotRenewed(leaderNow());
            } else {
                found = lease.acquire(holder).<LeaderAttempt>map(t -> new LeaderAttempt.Acquired(t, at))
                        .orElseGet(() -> new LeaderAttempt.Held(leaderNow()));
            }
            recovered();
            return found;
        } catch (RuntimeException e) {
            failed(e);
            return new LeaderAttempt.Failed(at, e.getMessage());
        }
    }

    private String leaderNow() {
        return lease.current().filter(LeaderLease.Holder::live).map(h -> h.holder() + " (term " + h.term() + ")")
                .orElse(null);
    }

    private void failed(RuntimeException e) {
        failedTurns.incrementAndGet();
        Instant now = clock.instant();
        if (lastWarning == null || !now.isBefore(lastWarning.plus(REPEAT_WARNING))) {
            log.warn("leader election: {} (as {}; carrying on every {}ms)", e.getMessage(), state.role(), every.toMillis());
            lastWarning = now;
        }
    }

    private void recovered() {
        if (lastWarning != null) {
            log.info("leader election: the database answers again");
            lastWarning = null;
        }
    }

    /** Stops the loop, then lets a lead or step-down under way end (bounded); the lease stays ours until {@link #release}. */
    @Override
    public void close() {
        closed = true;
        try {
            if (thread != null) {
                thread.interrupt();
                thread.join(every.toMillis() * 5 + 5000);
            }
            actions.shutdown();
            if (!actions.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("a takeover or step-down still runs after 30s; leaving it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** After {@link #close} and after driving stopped: ends our lease now, so a standby takes over at once. */
    void release() {
        Leadership last = state;
        state = Leadership.standby(null);
        if (last.leads()) {
            giveBack(last.term());
        }
    }

    private void giveBack(LeaderTerm term) {
        try {
            if (lease.release(term)) {
                log.info("leader lease of term {} released", term.term());
            }
        } catch (RuntimeException e) {
            log.warn("could not release the leader lease of term {} (it runs out by itself): {}", term.term(), e.getMessage());
        }
    }
}
