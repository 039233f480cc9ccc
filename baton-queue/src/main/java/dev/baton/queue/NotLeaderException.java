package dev.baton.queue;

/**
 * A write refused because its writer's leader term has ended: another control plane took the lease (or the lease
 * lapsed). Nothing was written; the writer must stop steering (step down), not retry.
 */
public final class NotLeaderException extends IllegalStateException {
    private final LeaderTerm term;

    public NotLeaderException(LeaderTerm term, String now) {
        super("not the leader any more: term " + term.term() + " of " + term.holder() + " has ended (" + now
                + "); nothing was written");
        this.term = term;
    }

    /** The term that ended. */
    public LeaderTerm term() {
        return term;
    }
}
