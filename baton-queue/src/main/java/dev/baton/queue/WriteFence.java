package dev.baton.queue;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a steering write checks before it writes: that its writer still leads. {@link #check} runs first in the
 * writer's transaction and holds the writer's term until the transaction ends, so the term cannot change between
 * the check and the commit (a candidate's take of the lease waits for the commit; a write that begins after the
 * take sees the new term and is refused).
 */
@FunctionalInterface
public interface WriteFence {

    /** No check: for a store that is only read, and for tools and tests with one writer. */
    WriteFence NONE = c -> {};

    /**
     * Inside the caller's transaction (auto-commit off), before its writes.
     *
     * @throws NotLeaderException when the writer's term has ended; the caller rolls back and writes nothing
     */
    void check(Connection c) throws SQLException;
}
