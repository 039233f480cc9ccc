package dev.baton.rollout;

import dev.baton.queue.Migrations;
import dev.baton.queue.Migrator;
import java.util.List;
import javax.sql.DataSource;

/**
 * Creates and upgrades the rollout store's tables: SQL resources {@code dev/baton/rollout/migrations/V001__…},
 * applied by the same {@link Migrator} as the queue's. Migrations 1 to 3 are idempotent, because releases
 * before them created the same tables, the generation and the exit code outside the migrator.
 */
public final class RolloutSchema {

    /** In order; a new migration is a new resource and a new line here. */
    public static final Migrations MIGRATIONS = new Migrations("rollout", RolloutSchema.class,
            List.of("V001__rollouts.sql", "V002__rollout_generation.sql", "V003__instance_exit_code.sql"));

    private RolloutSchema() {}

    /** Applies the rollout store's migrations not applied yet; does nothing when the schema is current. */
    public static void migrate(DataSource ds) {
        Migrator.migrate(ds, MIGRATIONS);
    }
}
