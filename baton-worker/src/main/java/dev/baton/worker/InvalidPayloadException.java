package dev.baton.worker;

/**
 * The job's payload cannot be what its handler expects. The job is discarded with this message:
 * running it again would fail the same way.
 */
public final class InvalidPayloadException extends RuntimeException {

    public InvalidPayloadException(String message) {
        super(message);
    }

    public InvalidPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
