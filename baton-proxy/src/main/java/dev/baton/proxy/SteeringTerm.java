package dev.baton.proxy;

/**
 * The highest leader term that has steered this proxy. A control plane that leads under an election sends its term
 * with every steering call ({@code ?term=N} on a table, weights or drain); a call from an older term — a deposed
 * leader whose push was already under way when the next leader took over — is refused whole, so it can never undo the
 * new leader's table. A call without a term (a single control plane, no election) is not checked and changes nothing.
 * The term starts at 0 with every proxy process: a proxy restarted gets its table again from the leader's next round.
 */
final class SteeringTerm {

    /** Thrown for a call from a term older than one already seen; the admin API answers 409. */
    static final class StaleTermException extends RuntimeException {
        StaleTermException(long term, long highest) {
            super("term: " + term + " is older than term " + highest + ", which already steers this proxy "
                    + "(a deposed leader's call); nothing changed");
        }
    }

    private long highest;

    /**
     * Lets a call of {@code term} through, raising the highest term seen to it.
     *
     * @throws StaleTermException when a newer term has already steered this proxy
     */
    synchronized void admit(long term) {
        if (term < highest) {
            throw new StaleTermException(term, highest);
        }
        highest = term;
    }

    /** The highest term seen, 0 when none. */
    synchronized long highest() {
        return highest;
    }

    /** The term of a request's {@code term} query parameter; null when it has none. */
    static Long parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            long t = Long.parseLong(value);
            if (t > 0) {
                return t;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("term: must be a positive whole number (the leader's term), was '"
                + value + "'");
    }
}
