package dev.baton.queue;

import dev.baton.common.DatabaseConfig;
/** PostgreSQL could not be reached; the message names the URL (never the password) and the cause. */
public final class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(DatabaseConfig config, Throwable cause) {
        super("cannot connect to PostgreSQL at " + config.redactedUrl()
                + (config.user() == null ? "" : " as " + config.user()) + ": " + rootMessage(cause, config.password()),
                RedactedException.of(cause, config.password()));
    }

    private static String rootMessage(Throwable t, String password) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return RedactedException.redact(message, password);
    }
}
