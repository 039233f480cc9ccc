package dev.baton.queue;

import javax.sql.DataSource;

/**
 * Creates and upgrades the queue's tables.
 *
 * <p>Migrations are SQL resources {@code dev/baton/queue/migrations/V001__jobs.sql}, … applied in
 * order, each in its own transaction, under a PostgreSQL advisory lock so that two processes
 * starting at once do not race. Applied versions are recorded in {@code baton_schema_migrations}.
 */
public final class QueueSchema {

    private QueueSchema() {}

    /** Applies the migrations not applied yet; does nothing when the schema is current. */
    public static void migrate(DataSource ds) {
        throw new UnsupportedOperationException("not yet");
    }
}
