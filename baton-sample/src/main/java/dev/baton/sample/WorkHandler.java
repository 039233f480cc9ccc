package dev.baton.sample;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.worker.InvalidPayloadException;
import dev.baton.worker.JobContext;
import dev.baton.worker.JobHandler;
import dev.baton.worker.JobResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import javax.sql.DataSource;

/**
 * Handles {@code sample.work}: payload {@code {"key": "...", "ms": N}}. Sleeps {@code ms}
 * (interruptibly, so a hard stop releases the job), then in one transaction records the effect once
 * per key ({@code sample_effects}, insert-or-nothing) and appends the execution
 * ({@code sample_executions}). A job killed after that transaction but before the worker completed it
 * runs again: its second execution shows, its effect does not repeat.
 */
final class WorkHandler implements JobHandler {

    static final long MAX_MS = 3_600_000;

    private final DataSource ds;
    private final String version;
    private final Misbehaviour misbehaviour;
    private final DoubleSupplier random;
    private final Clock clock;

    WorkHandler(DataSource ds, String version, Misbehaviour misbehaviour, DoubleSupplier random, Clock clock) {
        this.ds = ds;
        this.version = version;
        this.misbehaviour = misbehaviour;
        this.random = random;
        this.clock = clock;
    }

    @Override
    public JobResult handle(JobContext ctx) throws Exception {
        JsonNode payload = ctx.payload();
        JsonNode keyNode = payload.get("key");
        if (keyNode == null || !keyNode.isTextual() || keyNode.asText().isBlank()) {
            throw new InvalidPayloadException("payload: key must be a non-empty string");
        }
        String key = keyNode.asText();
        Duration sleep = misbehaviour.jobDuration();
        JsonNode ms = payload.get("ms");
        if (ms != null && !ms.isNull()) {
            if (!ms.canConvertToLong() || ms.asLong() < 0 || ms.asLong() > MAX_MS) {
                throw new InvalidPayloadException("payload: ms must be whole milliseconds within 0.." + MAX_MS
                        + ", got " + ms);
            }
            sleep = Duration.ofMillis(ms.asLong());
        }
        Thread.sleep(sleep);
        if (misbehaviour.jobFailRate() > 0 && random.getAsDouble() < misbehaviour.jobFailRate()) {
            throw new IllegalStateException("injected job failure (SAMPLE_JOB_FAIL_RATE="
                    + misbehaviour.jobFailRate() + ", version " + version + ")");
        }
        record(key, ctx.jobId());
        return JobResult.complete();
    }

    private void record(String key, long jobId) throws Exception {
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement effect = c.prepareStatement("INSERT INTO sample_effects (key, job_id, version, "
                    + "applied_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING");
                 PreparedStatement execution = c.prepareStatement(
                         "INSERT INTO sample_executions (key, job_id, version, at) VALUES (?, ?, ?, ?)")) {
                for (PreparedStatement ps : new PreparedStatement[] {effect, execution}) {
                    ps.setString(1, key);
                    ps.setLong(2, jobId);
                    ps.setString(3, version);
                    ps.setTimestamp(4, now);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }
}
