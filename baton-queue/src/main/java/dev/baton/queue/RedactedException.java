package dev.baton.queue;

import dev.baton.common.DatabaseConfig;
/**
 * A copy of an exception and its causes whose messages cannot give a database password away: a JDBC URL's
 * {@code password=…}, a libpq URL's {@code user:…@}, and the password itself wherever it appears (a URL parser
 * quotes the bad part of its input). The stack traces are kept; only the text changes.
 */
public final class RedactedException extends RuntimeException {

    private final String originalType;

    private RedactedException(String originalType, String message) {
        super(message);
        this.originalType = originalType;
    }

    /** {@code t} with every message in its cause chain redacted; {@code secret} may be null. */
    public static RuntimeException of(Throwable t, String secret) {
        RedactedException copy = new RedactedException(t.getClass().getName(), redact(t.getMessage(), secret));
        copy.setStackTrace(t.getStackTrace());
        Throwable cause = t.getCause();
        if (cause != null && cause != t) {
            copy.initCause(of(cause, secret));
        }
        return copy;
    }

    static String redact(String message, String secret) {
        if (message == null) {
            return null;
        }
        String m = secret == null || secret.isEmpty() ? message : message.replace(secret, "***");
        return DatabaseConfig.redact(m);
    }

    /** The class of the exception this copies. */
    public String originalType() {
        return originalType;
    }

    @Override
    public String toString() {
        String m = getMessage();
        return m == null ? originalType : originalType + ": " + m;
    }
}
