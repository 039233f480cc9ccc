package dev.baton.queue;

/** What {@link JobQueue#fail} did with the job. */
public enum FailOutcome {
    /** Back to AVAILABLE, at now plus the retry policy's backoff. */
    RETRYING,
    /** Out of attempts: dead letter, with its error history. */
    DISCARDED,
    /** Rejected: the caller no longer holds the job (its lease was taken over). Nothing changed. */
    FENCED
}
