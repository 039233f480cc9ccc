package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.queue.Database;
import dev.baton.queue.EmbeddedDatabase;
import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import dev.baton.queue.JobState;
import dev.baton.queue.QueueConfig;
import dev.baton.queue.QueueSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real outage: the worker's own PostgreSQL (not the shared test one) is stopped under it and started
 * again on the same data directory and port.
 */
class DatabaseOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private EmbeddedDatabase postgres;
    private HikariDataSource pool;
    private Worker worker;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() {
        if (worker != null) {
            worker.stop(Duration.ZERO, Duration.ofSeconds(1));
        }
        if (pool != null) {
            pool.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        http.close();
    }

    @Test
    void readinessIs503WhileTheDatabaseIsUnreachableAndTheWorkerResumesWhenItIsBack() throws Exception {
        postgres = EmbeddedDatabase.start(dir.resolve("pg"), 0, EmbeddedDatabase.Durability.FAST);
        int port = postgres.port();
        pool = Database.open(postgres.config(), 8, "outage");
        pool.setConnectionTimeout(1000); // fail fast while the server is gone
        QueueSchema.migrate(pool);
        worker = Worker.builder(pool).handle("ping", ctx -> null).stopOnShutdown(false)
                .config(WorkerConfig.defaults().withId("outage").withLease(Duration.ofSeconds(2))
                        .withPollInterval(Duration.ofMillis(200)))
                .build();
        worker.start();
        assertThat(ready()).isEqualTo(200);

        postgres.close();
        await().atMost(WAIT).until(() -> ready() == 503);
        assertThat(readyBody()).isEqualTo("database unreachable\n");
        assertThat(worker.renderMetrics()).contains("baton_worker_database_up{version=\"\"} 0");
        assertThat(worker.state()).isEqualTo(WorkerState.RUNNING);

        postgres = EmbeddedDatabase.start(dir.resolve("pg"), port, EmbeddedDatabase.Durability.FAST);
        await().atMost(WAIT).until(() -> ready() == 200);
        JobQueue queue = new JobQueue(pool, QueueConfig.defaults(), Clock.systemUTC());
        long id = queue.enqueue(JobRequest.of("ping", "{}")).id();
        await().atMost(WAIT).until(() -> queue.find(id).orElseThrow().state() == JobState.COMPLETED);
        assertThat(worker.renderMetrics()).containsPattern("baton_worker_loop_errors_total\\{loop=\"\\w+\"} [1-9]");
        assertThat(queue.workers().live()).anyMatch(w -> w.id().equals("outage"));
    }

    private int ready() throws Exception {
        return get().statusCode();
    }

    private String readyBody() throws Exception {
        return get().body();
    }

    private HttpResponse<String> get() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.healthPort() + "/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

}
