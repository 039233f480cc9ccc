package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.queue.Database;
import dev.baton.postgres.EmbeddedDatabase;
import dev.baton.queue.Job;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real outage: the worker's own PostgreSQL (not the shared test one) is stopped under it and started
 * again on the same data directory and port.
 */
@Tag("process")
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

    @Test
    void completionsWhoseFlushFailsInAnOutageAreRetriedAndLandOnceWhenTheDatabaseIsBack() throws Exception {
        postgres = EmbeddedDatabase.start(dir.resolve("pg"), 0, EmbeddedDatabase.Durability.FAST);
        int port = postgres.port();
        pool = Database.open(postgres.config(), 8, "outage");
        pool.setConnectionTimeout(1000);
        QueueSchema.migrate(pool);
        JobQueue queue = new JobQueue(pool, QueueConfig.defaults(), Clock.systemUTC());
        CountDownLatch finish = new CountDownLatch(1);
        Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
        // The lease outlasts the outage, so the completions are retried rather than given up.
        worker = Worker.builder(pool).stopOnShutdown(false)
                .handle("hold", ctx -> {
                    runs.computeIfAbsent(ctx.jobId(), id -> new AtomicInteger()).incrementAndGet();
                    finish.await();
                    return JobResult.complete();
                })
                .config(WorkerConfig.defaults().withId("outage").withVersion("v1").withConcurrency(10)
                        .withLease(Duration.ofMinutes(5)).withPollInterval(Duration.ofMillis(200)))
                .build();
        worker.start();
        List<JobRequest> requests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            requests.add(JobRequest.of("hold", "{\"n\":" + i + "}"));
        }
        queue.enqueueAll(requests);
        await().atMost(WAIT).until(() -> runs.size() == 10);

        postgres.close();
        finish.countDown();
        await().atMost(WAIT).until(() -> worker.renderMetrics()
                .matches("(?s).*baton_worker_loop_errors_total\\{loop=\"complete\"} [1-9].*"));
        assertThat(worker.renderMetrics()).contains("baton_worker_completions_pending{version=\"v1\"} 10");
        assertThat(worker.inFlight()).as("slots stay taken until the completions are durable").isEqualTo(10);

        postgres = EmbeddedDatabase.start(dir.resolve("pg"), port, EmbeddedDatabase.Durability.FAST);
        await().atMost(WAIT).until(() -> worker.inFlight() == 0);
        assertThat(worker.renderMetrics())
                .contains("baton_worker_jobs_completed_total{kind=\"hold\",version=\"v1\"} 10")
                .contains("baton_worker_jobs_lease_lost_total{kind=\"hold\",version=\"v1\"} 0");
        for (long id : runs.keySet()) {
            Job job = queue.find(id).orElseThrow();
            assertThat(job.state()).isEqualTo(JobState.COMPLETED);
            assertThat(job.fence()).as("claimed once").isEqualTo(1);
        }
        assertThat(runs).allSatisfy((id, n) -> assertThat(n.get()).as("ran once").isEqualTo(1));
    }

    @Test
    void sigtermWithPostgresqlDownEndsTheProcessWithinItsStopDeadlinesAndBeforeItsSigkill() throws Exception {
        postgres = EmbeddedDatabase.start(dir.resolve("pg"), 0, EmbeddedDatabase.Durability.FAST);
        pool = Database.open(postgres.config(), 2, "outage");
        QueueSchema.migrate(pool);
        TestHandlers.createTables(pool);
        JobQueue queue = new JobQueue(pool, QueueConfig.defaults());
        for (int i = 0; i < 3; i++) {
            queue.enqueue(JobRequest.of("sleep", "{\"key\":\"held-" + i + "\",\"ms\":3600000}"));
        }
        Duration soft = Duration.ofSeconds(2);
        Duration hard = Duration.ofSeconds(1);
        try (WorkerProcess w = WorkerProcess.start(dir, "pg-down", postgres.config().urlWithCredentials(), Map.of(),
                "--soft-stop", "2s", "--hard-stop", "1s")) {
            await().atMost(WAIT).until(() -> queue.stats().running() == 3);
            pool.close();
            postgres.close();
            postgres = null;
            // The worker has seen the database gone: its claim loop now waits in a database call that cannot end
            // before the pool's connection timeout, and the stop must not wait for it.
            await().atMost(WAIT).until(() -> w.status("/health/ready") == 503);

            long sent = System.nanoTime();
            w.sigterm();
            assertThat(w.awaitExit(Duration.ofSeconds(60))).as("exited").isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - sent);

            // Measured about 4.5 s: soft + hard, one second to settle after the hard deadline, the JVM's own exit.
            // The process driver's SIGKILL comes at jobs_hard (soft + hard) + 5 s; this stop used to take 15 s
            // (deregistering alone waited out a 10 s connection timeout), then up to 10 s (waiting for the claim
            // loop's database call before the soft deadline began, and for the pool to close after the stop).
            assertThat(took).as("stop took %s; log:%n%s", took, w.log())
                    .isLessThan(soft.plus(hard).plus(Duration.ofSeconds(3)));
        }
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
