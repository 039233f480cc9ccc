package dev.baton.queue;

/**
 * PostgreSQL rejected what the caller asked to store (a value out of range, too long for an index): the request
 * is at fault, not the database, and sending it again will fail again. An HTTP API answers it with 400.
 */
public final class InvalidJobException extends IllegalArgumentException {

    public InvalidJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
