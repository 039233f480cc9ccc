package dev.baton.bench.worker;

import dev.baton.worker.HandlerProvider;
import dev.baton.worker.JobHandler;
import dev.baton.worker.JobResult;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The handlers of the worker process the drain benchmark starts ({@code --handlers} of
 * {@code WorkerMain}): {@value #KIND} sleeps for the payload's {@code ms} and completes. Interrupted
 * (the hard stop), the sleep throws and the worker releases the job.
 */
public final class SleepHandlers implements HandlerProvider {

    /** The kind of the drain benchmark's jobs; payload {@code {"ms": 1500}}. */
    public static final String KIND = "bench.sleep";

    @Override
    public Map<String, JobHandler> handlers(DataSource dataSource) {
        return Map.of(KIND, ctx -> {
            Thread.sleep(ctx.payload().path("ms").asLong());
            return JobResult.complete();
        });
    }
}
