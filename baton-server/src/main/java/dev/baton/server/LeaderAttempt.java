package dev.baton.server;

import dev.baton.queue.LeaderTerm;
import java.time.Instant;

/** What one turn of the election found out: the input of {@link Leadership#after}. */
sealed interface LeaderAttempt {
    /** The lease was free (or lapsed) and is now ours at {@code term}; asked at {@code startedAt}. */
    record Acquired(LeaderTerm term, Instant startedAt) implements LeaderAttempt {}

    /** Another control plane holds the lease ({@code leader} says who, at which term). */
    record Held(String leader) implements LeaderAttempt {}

    /** Our lease was extended by the lease's length from the database's now; asked at {@code startedAt}. */
    record Renewed(Instant startedAt) implements LeaderAttempt {}

    /** Our lease could not be renewed: it lapsed, or another took it ({@code leader} says who; null: nobody leads). */
    record NotRenewed(String leader) implements LeaderAttempt {}

    /** The database did not answer (asked at {@code at}). */
    record Failed(Instant at, String error) implements LeaderAttempt {}

    /** {@code term} can no longer be driven: one of its writes was refused by its fence, or taking over failed. */
    record Lost(LeaderTerm term, String why) implements LeaderAttempt {}
}
