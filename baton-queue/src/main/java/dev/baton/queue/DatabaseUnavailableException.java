package dev.baton.queue;

/** PostgreSQL could not be reached; the message names the URL (never the password) and the cause. */
public final class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(DatabaseConfig config, Throwable cause) {
        super("cannot connect to PostgreSQL at " + config.redactedUrl()
                + (config.user() == null ? "" : " as " + config.user()) + ": " + rootMessage(cause), cause);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return DatabaseConfig.redact(message);
    }
}
