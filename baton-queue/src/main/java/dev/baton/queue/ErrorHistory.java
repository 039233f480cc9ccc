package dev.baton.queue;

/**
 * The per-job error history: a JSON array of {@code {attempt, at, error, version, outcome}}, appended
 * by the same UPDATE that settles the attempt, so history and state never disagree.
 */
final class ErrorHistory {

    /** Why an entry was written. */
    enum Outcome {
        /** The handler failed; counts as a failed attempt of the version. */
        FAILED,
        /** The lease ran out and the job was rescued; counts as a failed attempt of the version. */
        LEASE_EXPIRED,
        /** The handler discarded the job. */
        DISCARDED,
        /** The handler asked to run again later; not a failure. */
        RETRY_LATER;

        String json() {
            return name().toLowerCase();
        }
    }

    /** Outcomes that count as failed attempts in per-version statistics, as a SQL list. */
    static final String FAILURE_OUTCOMES = "('failed', 'lease_expired')";

    /** Longer messages are cut: a stack trace belongs in the log, not in every row. */
    static final int MAX_ERROR_LENGTH = 8_000;

    /**
     * A SET clause appending one entry; parameters: the time ({@link QueueTime#now()}), the message, the outcome.
     * Attempt and version come from the row itself.
     */
    static final String APPEND = "errors = j.errors || jsonb_build_array(jsonb_build_object("
            + "'attempt', j.attempt, 'at', " + QueueTime.NOW_TEXT + ", 'error', ?::text, 'version', j.version, 'outcome', ?::text))";

    private ErrorHistory() {}

    static String message(String error) {
        // A handler's message may hold anything; PostgreSQL stores no NUL character.
        String m = error == null || error.isBlank() ? "(no message)" : error.replace('\0', '\uFFFD');
        return m.length() <= MAX_ERROR_LENGTH ? m : m.substring(0, MAX_ERROR_LENGTH) + "…";
    }
}
