package dev.baton.worker;

import java.util.Map;
import javax.sql.DataSource;

/**
 * Supplies the handlers of a standalone worker process ({@link WorkerMain}), named by class with
 * {@code --handlers} or {@code BATON_WORKER_HANDLERS}. The class needs a public no-argument constructor.
 */
@FunctionalInterface
public interface HandlerProvider {

    /**
     * The handlers by job kind.
     *
     * @param dataSource the worker's pool on the queue's database, for handlers that record effects there
     */
    Map<String, JobHandler> handlers(DataSource dataSource);
}
