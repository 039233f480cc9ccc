package dev.baton.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import dev.baton.queue.JobState;
import dev.baton.queue.QueueConfig;
import dev.baton.queue.QueueSchema;
import dev.baton.queue.TestDatabase;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample app as a real child JVM on the embedded PostgreSQL: orders, jobs and their effects. */
@Tag("process")
class SampleJobsProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private SampleProcess app;
    private DataSource ds;
    private JobQueue queue;

    @BeforeEach
    void cleanDatabase() throws Exception {
        ds = TestDatabase.dataSource();
        QueueSchema.migrate(ds);
        SampleSchema.create(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE baton_jobs, baton_workers, baton_job_routing, sample_orders, sample_effects, "
                    + "sample_executions");
        }
        queue = new JobQueue(ds, QueueConfig.defaults());
        // The test database asks for its password, as Baton's embedded one does.
        String url = TestDatabase.config().urlWithCredentials();
        app = SampleProcess.start(dir, "jobs", Map.of("BATON_DATABASE_URL", url, "BATON_JOBS_SOFT", "2s",
                "BATON_JOBS_HARD", "3s"), "--port", "0", "--version", "v5");
        await().atMost(WAIT).until(() -> app.port() > 0 && app.status("/health/ready") == 200);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void orderAndItsJobAreWrittenInOneTransactionAndTheJobsEffectIsRecordedOnce() throws Exception {
        HttpResponse<String> created = post("{\"key\":\"o-1\",\"ms\":200}");
        assertThat(created.statusCode()).isEqualTo(201);
        long jobId = jobIdOf(created.body());

        await().atMost(WAIT).until(() -> queue.find(jobId).orElseThrow().state() == JobState.COMPLETED);
        assertThat(count("SELECT count(*) FROM sample_orders WHERE key = 'o-1' AND job_id = " + jobId)).isOne();
        assertThat(count("SELECT count(*) FROM sample_effects WHERE key = 'o-1' AND job_id = " + jobId
                + " AND version = 'v5'")).isOne();
        assertThat(count("SELECT count(*) FROM sample_executions WHERE key = 'o-1'")).isOne();

        // The first job is finished, so only the rolled-back transaction keeps a second one from existing.
        HttpResponse<String> again = post("{\"key\":\"o-1\"}");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"created\":false").contains("\"job_id\":" + jobId);
        assertThat(count("SELECT count(*) FROM baton_jobs WHERE unique_key = 'o-1'")).isOne();

        assertThat(post("{\"key\": 7}").statusCode()).isEqualTo(400);
        assertThat(post("not json").statusCode()).isEqualTo(400);
        assertThat(count("SELECT count(*) FROM baton_jobs")).as("bad orders enqueue nothing").isOne();
    }

    @Test
    void jobsEnqueuedFromOutsideAreEachCompletedWithTheirEffectOnce() {
        for (int i = 0; i < 20; i++) {
            queue.enqueue(JobRequest.of(SampleSettings.WORK_KIND, "{\"key\":\"k-" + i + "\",\"ms\":20}")
                    .withUniqueKey("k-" + i));
        }

        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM baton_jobs WHERE state = 'COMPLETED'") == 20);
        assertThat(count("SELECT count(*) FROM sample_effects WHERE version = 'v5'")).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM (SELECT key FROM sample_executions GROUP BY key "
                + "HAVING count(*) > 1) d")).as("no re-execution without a fault").isZero();
    }

    @Test
    void sigtermLetsTheRunningJobFinishWithinTheSoftDeadlineAndExitsZero() throws Exception {
        long jobId = queue.enqueue(JobRequest.of(SampleSettings.WORK_KIND, "{\"key\":\"long\",\"ms\":1000}")).id();
        await().atMost(WAIT).until(() -> queue.find(jobId).orElseThrow().state() == JobState.RUNNING);

        app.sigterm();

        assertThat(app.awaitExit(WAIT)).isZero();
        assertThat(queue.find(jobId).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
        assertThat(count("SELECT count(*) FROM sample_effects WHERE key = 'long'")).isOne();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return app.send(HttpRequest.newBuilder(app.uri("/orders")).timeout(WAIT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static long jobIdOf(String body) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"job_id\":(\\d+)").matcher(body);
        assertThat(m.find()).as("job_id in " + body).isTrue();
        return Long.parseLong(m.group(1));
    }

    private long count(String sql) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
