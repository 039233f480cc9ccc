package dev.baton.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.common.DatabaseConfig;
import dev.baton.queue.Database;
import dev.baton.queue.QueueSchema;
import dev.baton.queue.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The rollout tables as migrations of the one migrator, on databases of their own on the real embedded PostgreSQL. */
class RolloutSchemaTest {

    private static final AppSpec SPEC = AppSpec.parse("""
            app: shop
            run: "app --port {port}"
            instances: 1
            """);
    private final Instant t0 = Instant.parse("2025-03-01T12:00:00Z");

    @Test
    void aDatabaseAnOlderReleaseSetUpUpgradesToTheOneMigratorAndKeepsItsRows() throws Exception {
        try (HikariDataSource ds = freshDatabase("set_up_before_migrations")) {
            // What a release before the one migrator left behind: the queue's versions recorded by version alone,
            // and the rollout tables created by the idempotent resource it applied on every start.
            execute(ds, "CREATE TABLE baton_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
                    + "applied_at timestamptz NOT NULL DEFAULT now())");
            for (String name : QueueSchema.MIGRATIONS.names()) {
                execute(ds, resource("/dev/baton/queue/migrations/" + name));
                execute(ds, "INSERT INTO baton_schema_migrations (version, name) VALUES ("
                        + name.substring(1, 4) + ", '" + name + "')");
            }
            execute(ds, resource("/dev/baton/rollout/rollout-schema-before-migrations.sql"));
            execute(ds, "INSERT INTO baton_rollouts (id, revision, app, version, strategy, phase, state) "
                    + "VALUES ('r-old', 1, 'shop', 'v1', 'rolling', 'SUCCEEDED', '{}'::jsonb)");

            QueueSchema.migrate(ds);
            JdbcRolloutStore store = new JdbcRolloutStore(ds);

            assertThat(history(ds)).containsExactlyElementsOf(everyMigration());
            assertThat(strings(ds, "SELECT id || ' ' || generation FROM baton_rollouts")).containsExactly("r-old 1");
            RolloutState saved = store.save(RolloutState.start("r-new", SPEC, "v1", "v2", List.of(), t0));
            assertThat(store.load("r-new")).contains(saved);
            assertThat(store.find("r-new").orElseThrow().revision()).isEqualTo(2);
        }
    }

    @Test
    void aFreshDatabaseGetsEveryTableFromMigrationsAppliedOnceUnderConcurrentStarts() throws Exception {
        try (HikariDataSource ds = freshDatabase("fresh")) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    boolean queueFirst = i % 2 == 0;
                    runs.add(pool.submit((Callable<Void>) () -> {
                        if (queueFirst) {
                            QueueSchema.migrate(ds);
                        }
                        RolloutSchema.migrate(ds);
                        QueueSchema.migrate(ds);
                        return null;
                    }));
                }
                for (Future<?> f : runs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(history(ds)).containsExactlyElementsOf(everyMigration());
            JdbcRolloutStore store = new JdbcRolloutStore(ds);
            RolloutState saved = store.save(RolloutState.start("r-1", SPEC, null, "v1", List.of(), t0));
            assertThat(store.load("r-1")).contains(saved);
        }
    }

    private static List<String> history(DataSource ds) throws SQLException {
        return strings(ds, "SELECT component || ' ' || version FROM baton_schema_migrations ORDER BY component, version");
    }

    private static HikariDataSource freshDatabase(String name) throws SQLException {
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name);
        }
        DatabaseConfig server = TestDatabase.config();
        String url = server.jdbcUrl().replaceFirst("/postgres$", "/" + name);
        return Database.open(new DatabaseConfig(url, server.user(), server.password()), 4, name);
    }

    private static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> strings(DataSource ds, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = RolloutSchemaTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every migration of the queue and the rollout store, as {@code history} lists them: each applied once. */
    private static List<String> everyMigration() {
        List<String> all = new ArrayList<>();
        for (var m : List.of(QueueSchema.MIGRATIONS, RolloutSchema.MIGRATIONS)) {
            for (int v = 1; v <= m.names().size(); v++) {
                all.add(m.component() + " " + v);
            }
        }
        return all;
    }
}
