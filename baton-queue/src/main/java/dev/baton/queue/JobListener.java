package dev.baton.queue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on channel {@code baton_jobs} over a dedicated connection and hands each notified kind to a
 * callback. It never dies silently: a lost connection is logged, counted and re-opened with backoff,
 * and a failing callback is logged and counted. Notifications sent while disconnected are lost, which
 * is why workers poll as well.
 */
final class JobListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobListener.class);
    private static final int WAIT_MILLIS = 250;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final DataSource ds;
    private final Consumer<String> onKind;
    private final Thread thread;
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean listening;
    private volatile int backendPid;

    JobListener(DataSource ds, Consumer<String> onKind) {
        if (onKind == null) {
            throw new IllegalArgumentException("onNewJobOfKind: must not be null");
        }
        this.ds = ds;
        this.onKind = onKind;
        this.thread = Thread.ofPlatform().daemon().name("baton-queue-listener").unstarted(this::run);
    }

    JobListener start() {
        thread.start();
        return this;
    }

    /** True while a LISTEN is in place (for tests and health reporting). */
    boolean listening() {
        return listening;
    }

    /** The server process of the listening connection (for tests that kill it). */
    int backendPid() {
        return backendPid;
    }

    /** Connection and callback failures so far. */
    long failures() {
        return failures.get();
    }

    private void run() {
        long backoffMillis = 100;
        while (!closed) {
            Connection c = null;
            try {
                c = ds.getConnection();
                listenUntilClosed(c);
                // The connection goes back to the pool: a listener that never reads would hold up
                // PostgreSQL's notification queue for everyone.
                try (Statement s = c.createStatement()) {
                    s.execute("UNLISTEN *");
                }
                c.close();
            } catch (SQLException | RuntimeException e) {
                listening = false;
                discard(c);
                if (closed) {
                    break;
                }
                failures.incrementAndGet();
                log.warn("job listener lost its connection ({}); reconnecting in {} ms", e.getMessage(), backoffMillis);
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
                continue;
            }
            backoffMillis = 100;
        }
        listening = false;
    }

    private void listenUntilClosed(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + Enqueuer.CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        backendPid = pg.getBackendPID();
        listening = true;
        while (!closed) {
            PGNotification[] notes = pg.getNotifications(WAIT_MILLIS);
            if (notes != null) {
                for (PGNotification n : notes) {
                    deliver(n.getParameter());
                }
            }
        }
    }

    /**
     * Errors from the unwrapped driver connection bypass the pool's own broken-connection check, so
     * a failed connection is evicted explicitly; otherwise the pool would hand it straight back.
     */
    private void discard(Connection c) {
        if (c == null) {
            return;
        }
        try {
            if (ds instanceof HikariDataSource hikari) {
                hikari.evictConnection(c);
            } else {
                c.close();
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("closing the failed listener connection: {}", e.getMessage());
        }
    }

    private void deliver(String kind) {
        try {
            onKind.accept(kind);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.warn("job listener callback failed for kind {}: {}", kind, e.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening and returns the connection; idempotent. Waits at most a few seconds. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
