package dev.baton.queue;

/** A database error inside the queue, with the operation that failed in its message. */
public final class QueueException extends RuntimeException {

    public QueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
