package dev.baton.server;

import dev.baton.queue.LeaderTerm;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether this control plane leads, and the one rule that moves it ({@link #after}): a pure value, applied by
 * {@link LeaderElection}.
 *
 * @param term our term while we lead, else null
 * @param renewStartedAt when (by this process's clock) the last renewal that succeeded was asked for: the lease
 *     runs at least until then plus its length, since the database's now came later; null on standby
 * @param leader who leads, as far as we know (null: unknown)
 */
record Leadership(Role role, LeaderTerm term, Instant renewStartedAt, String leader) {

    enum Role { LEADER, STANDBY }

    /** What the election does after a turn. */
    enum Action { NONE, LEAD, STEP_DOWN }

    /** The next state, what to do, and why (for the log). */
    record Change(Leadership next, Action action, String why) {
        static Change stay(Leadership same) {
            return new Change(same, Action.NONE, null);
        }
    }

    static Leadership standby(String leader) {
        return new Leadership(Role.STANDBY, null, null, leader);
    }

    boolean leads() {
        return role == Role.LEADER;
    }

    /**
     * The change after {@code attempt}, with leases {@code ttl} long. A leader steps down when its lease is lost,
     * when one of its writes was fenced or its takeover failed (a standby that holds its own lease retakes it at the
     * next turn, at a new term), and when it could not renew for a whole {@code ttl} (by then its lease may
     * have run out and a standby may lead: it stops driving before it can know).
     */
    Change after(LeaderAttempt attempt, Duration ttl) {
        if (role == Role.STANDBY) {
            return switch (attempt) {
                case LeaderAttempt.Acquired a -> new Change(new Leadership(Role.LEADER, a.term(), a.startedAt(),
                        a.term().toString()), Action.LEAD, "took the leader lease at term " + a.term().term());
                case LeaderAttempt.Held h -> Change.stay(standby(h.leader()));
                default -> Change.stay(this);
            };
        }
        return switch (attempt) {
            case LeaderAttempt.Renewed r -> Change.stay(new Leadership(role, term, r.startedAt(), leader));
            case LeaderAttempt.NotRenewed n -> new Change(standby(n.leader()), Action.STEP_DOWN, n.leader() == null
                    ? "the lease lapsed" : "the lease was taken over; the leader is " + n.leader());
            case LeaderAttempt.Held h -> new Change(standby(h.leader()), Action.STEP_DOWN, "lease held by " + h.leader());
            case LeaderAttempt.Lost l -> l.term().equals(term)
                    ? new Change(standby(null), Action.STEP_DOWN, l.why())
                    : Change.stay(this);
            case LeaderAttempt.Failed f -> f.at().isBefore(renewStartedAt.plus(ttl))
                    ? Change.stay(this)
                    : new Change(standby(null), Action.STEP_DOWN, "the lease could not be renewed for " + ttl.toMillis()
                            + "ms (" + f.error() + ")");
            case LeaderAttempt.Acquired a -> Change.stay(this);
        };
    }
}
