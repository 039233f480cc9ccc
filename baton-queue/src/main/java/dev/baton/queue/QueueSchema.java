package dev.baton.queue;

import java.util.List;
import javax.sql.DataSource;

/**
 * Creates and upgrades the queue's tables: SQL resources {@code dev/baton/queue/migrations/V001__jobs.sql}, …
 * applied by the {@link Migrator} Baton uses for every table it owns.
 */
public final class QueueSchema {

    /** In order; a new migration is a new resource and a new line here. */
    public static final Migrations MIGRATIONS = new Migrations("queue", QueueSchema.class,
            List.of("V001__jobs.sql", "V002__queue_autovacuum.sql", "V003__queue_pauses.sql",
                    "V004__leadership.sql"));

    private QueueSchema() {}

    /** Applies the queue's migrations not applied yet; does nothing when the schema is current. */
    public static void migrate(DataSource ds) {
        Migrator.migrate(ds, MIGRATIONS);
    }
}
