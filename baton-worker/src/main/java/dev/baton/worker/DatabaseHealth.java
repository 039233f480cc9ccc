package dev.baton.worker;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database answered the worker's last call. Readiness is 503 while it does not; the
 * change is logged once each way, not on every failed call.
 */
final class DatabaseHealth {

    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);

    private final AtomicBoolean up = new AtomicBoolean(true);

    boolean isUp() {
        return up.get();
    }

    void reachable() {
        if (up.compareAndSet(false, true)) {
            log.info("database reachable again: resuming claims, readiness back to 200");
        }
    }

    void unreachable(Throwable cause) {
        if (up.compareAndSet(true, false)) {
            log.warn("database unreachable, readiness 503 until it answers again; jobs in flight keep running: {}",
                    Failures.summary(cause));
        }
    }

    /** True when {@code t} says the database cannot be reached, as opposed to a failing statement. */
    static boolean isConnectionProblem(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLTransientConnectionException || c instanceof SQLNonTransientConnectionException
                    || c instanceof SQLRecoverableException || c instanceof ConnectException
                    || c instanceof dev.baton.queue.DatabaseUnavailableException) {
                return true;
            }
            if (c instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
