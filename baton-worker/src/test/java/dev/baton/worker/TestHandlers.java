package dev.baton.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Handlers for the worker processes the tests start ({@code --handlers dev.baton.worker.TestHandlers}).
 *
 * <ul>
 *   <li>{@code sleep}: payload {@code {"key": "k", "ms": 500, "effect": "before"|"after"}}; records a run,
 *       sleeps (capped by {@code BATON_TEST_SLEEP_CAP_MS}), and records its effect once per key, before or
 *       after the sleep (insert ... on conflict do nothing: the idempotent way);
 *   <li>{@code fail}: throws an exception with the payload's {@code reason};
 *   <li>{@code error}: recurses until a real {@link StackOverflowError};
 *   <li>{@code typed}: reads the payload as an {@link Order}; a payload that does not fit is discarded.
 * </ul>
 */
public final class TestHandlers implements HandlerProvider {

    static final String EFFECTS = "worker_test_effects";
    static final String RUNS = "worker_test_runs";

    /** What {@code typed} expects. */
    record Order(String key, int quantity) {}

    @Override
    public Map<String, JobHandler> handlers(DataSource ds) {
        long cap = Long.parseLong(System.getenv().getOrDefault("BATON_TEST_SLEEP_CAP_MS", "3600000"));
        Map<String, JobHandler> m = new LinkedHashMap<>();
        m.put("sleep", ctx -> sleep(ds, ctx, cap));
        m.put("fail", ctx -> {
            throw new IllegalStateException("asked to fail: " + ctx.payload().path("reason").asText());
        });
        m.put("error", ctx -> {
            recurse(0);
            return JobResult.complete();
        });
        m.put("typed", ctx -> {
            Order order = ctx.payloadAs(Order.class);
            record(ds, EFFECTS, order.key(), ctx.workerId(), true);
            return JobResult.complete();
        });
        return m;
    }

    static void createTables(DataSource ds) {
        WorkerTestSupport.execute(ds, "CREATE TABLE IF NOT EXISTS " + EFFECTS
                + " (key text PRIMARY KEY, worker text NOT NULL)");
        WorkerTestSupport.execute(ds, "CREATE TABLE IF NOT EXISTS " + RUNS
                + " (id bigserial PRIMARY KEY, key text NOT NULL, worker text NOT NULL)");
    }

    private static JobResult sleep(DataSource ds, JobContext ctx, long cap) throws Exception {
        JsonNode p = ctx.payload();
        String key = p.path("key").asText(String.valueOf(ctx.jobId()));
        boolean effectFirst = p.path("effect").asText("after").equals("before");
        record(ds, RUNS, key, ctx.workerId(), false);
        if (effectFirst) {
            record(ds, EFFECTS, key, ctx.workerId(), true);
        }
        Thread.sleep(Math.min(p.path("ms").asLong(0), cap));
        if (!effectFirst) {
            record(ds, EFFECTS, key, ctx.workerId(), true);
        }
        return JobResult.complete();
    }

    private static void record(DataSource ds, String table, String key, String worker, boolean once)
            throws SQLException {
        String sql = "INSERT INTO " + table + " (key, worker) VALUES (?, ?)" + (once ? " ON CONFLICT DO NOTHING" : "");
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, key);
            s.setString(2, worker);
            s.executeUpdate();
        }
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }
}
