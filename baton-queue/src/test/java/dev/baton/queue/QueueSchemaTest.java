package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class QueueSchemaTest {

    @Test
    void migratingConcurrentlyAndRepeatedlyAppliesEachMigrationOnce() throws Exception {
        var ds = TestDatabase.dataSource();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit((Callable<Void>) () -> {
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
        QueueSchema.migrate(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), min(version) FROM baton_schema_migrations WHERE component = 'queue'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(QueueSchema.MIGRATIONS.names().size());
            assertThat(rs.getInt(2)).isEqualTo(1);
        }
    }
}
