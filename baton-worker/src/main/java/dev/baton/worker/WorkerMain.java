package dev.baton.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.queue.Database;
import dev.baton.queue.QueueSchema;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone worker process: {@code java dev.baton.worker.WorkerMain --handlers com.example.MyHandlers}
 * with {@code BATON_DATABASE_URL} set (all options: {@link WorkerOptions#USAGE}).
 *
 * <p>Once running it prints one line to standard output that launchers can wait for:
 * {@code baton-worker started id=<id> pid=<pid> health-port=<port>}. SIGTERM drains it (soft, then
 * hard deadline) and the process exits; exit code 2 means bad options, 1 a failed start.
 */
public final class WorkerMain {

    /** The prefix of the line printed once the worker runs. */
    public static final String STARTED = "baton-worker started";

    static {
        WorkerLogging.defaultToInfo(); // before the first logger below
    }

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);
    private static final Duration POOL_CLOSE = Duration.ofSeconds(1);

    private WorkerMain() {}

    public static void main(String[] args) {
        WorkerOptions options;
        try {
            options = WorkerOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("baton-worker: " + e.getMessage());
            System.err.print(WorkerOptions.USAGE);
            System.exit(2);
            return;
        }
        HikariDataSource dataSource = null;
        Worker worker;
        try {
            Map<String, JobHandler> handlers;
            HandlerProvider provider = loadProvider(options.handlers());
            int poolSize = Math.min(options.config().concurrency(), 16) + 4;
            dataSource = Database.open(options.database(), poolSize, "baton-worker");
            QueueSchema.migrate(dataSource);
            handlers = provider.handlers(dataSource);
            worker = Worker.builder(dataSource).config(options.config()).handleAll(handlers)
                    .stopOnShutdown(false).build();
            HikariDataSource pool = dataSource;
            // One hook, so the pool closes only after the worker has released its jobs.
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("baton-worker-sigterm").unstarted(() -> {
                worker.stop();
                closePool(pool);
            }));
            worker.start();
        } catch (RuntimeException e) {
            log.error("baton-worker could not start: {}", e.getMessage(), e);
            if (dataSource != null) {
                dataSource.close();
            }
            System.exit(1);
            return;
        }
        System.out.println(STARTED + " id=" + worker.config().id() + " pid=" + ProcessHandle.current().pid()
                + " health-port=" + worker.healthPort());
        System.out.flush();
        while (!worker.awaitStopped(Duration.ofHours(1))) {
            // Runs until SIGTERM; the shutdown hook drains the worker.
        }
    }

    private static HandlerProvider loadProvider(String className) {
        try {
            Class<?> type = Class.forName(className);
            if (!HandlerProvider.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("handlers: " + className + " does not implement "
                        + HandlerProvider.class.getName());
            }
            return (HandlerProvider) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("handlers: cannot create " + className + " (" + e + ")", e);
        }
    }

    /**
     * Closes the pool, but for one second at most: with PostgreSQL away, closing waits for the connections still
     * being attempted, and the process must end within its stop deadlines (its jobs are already released or left to
     * their leases).
     */
    private static void closePool(HikariDataSource pool) {
        try {
            Bounded.within("close the database pool", System.nanoTime() + POOL_CLOSE.toNanos(), pool::close);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
