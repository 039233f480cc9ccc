package dev.baton.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.queue.ClaimRequest;
import dev.baton.queue.Job;
import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import dev.baton.queue.QueueConfig;
import dev.baton.queue.QueueSchema;
import dev.baton.queue.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Invariants against the embedded PostgreSQL, with jobs worked by hand so that faults can be planted. */
class InvariantsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private DataSource ds;
    private JobQueue queue;

    @BeforeEach
    void cleanDatabase() throws Exception {
        ds = TestDatabase.dataSource();
        QueueSchema.migrate(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // The sample app's tables, as it creates them.
            s.execute("CREATE TABLE IF NOT EXISTS sample_effects (key text PRIMARY KEY, job_id bigint NOT NULL, "
                    + "version text NOT NULL, applied_at timestamptz NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS sample_executions (key text NOT NULL, job_id bigint NOT NULL, "
                    + "version text NOT NULL, at timestamptz NOT NULL)");
            s.execute("TRUNCATE baton_jobs, baton_workers, baton_job_routing, sample_effects, sample_executions");
        }
        queue = new JobQueue(ds, QueueConfig.defaults(), Clock.systemUTC());
    }

    private JobLoadResult enqueue(int n) {
        JobLoad load = JobLoad.start(queue, JobLoadConfig.of(200, 0).withKeyPrefix("k")
                .withProgressEvery(Duration.ZERO), null);
        await().atMost(WAIT).until(() -> load.enqueued() >= n);
        return load.stop();
    }

    /** Works every available job like the sample's handler: effect once, execution appended, complete. */
    private int workAll() throws Exception {
        int done = 0;
        List<Job> jobs;
        while (!(jobs = queue.claim(new ClaimRequest("test-worker", "v1", Set.of(JobLoadConfig.SAMPLE_KIND),
                Set.of(), 100))).isEmpty()) {
            for (Job job : jobs) {
                applyEffect(job.uniqueKey(), job.id());
                assertThat(queue.complete(job)).isTrue();
                done++;
            }
        }
        return done;
    }

    private void applyEffect(String key, long jobId) throws Exception {
        try (Connection c = ds.getConnection();
             PreparedStatement effect = c.prepareStatement("INSERT INTO sample_effects VALUES (?, ?, 'v1', now()) "
                     + "ON CONFLICT DO NOTHING");
             PreparedStatement execution = c.prepareStatement(
                     "INSERT INTO sample_executions VALUES (?, ?, 'v1', now())")) {
            for (PreparedStatement ps : List.of(effect, execution)) {
                ps.setString(1, key);
                ps.setLong(2, jobId);
                ps.executeUpdate();
            }
        }
    }

    private void sql(String statement) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void aCleanRunHasEveryJobCompletedOnceWithItsEffectAndNothingLost() throws Exception {
        JobLoadResult jobs = enqueue(50);
        workAll();

        JobCheck check = Invariants.checkJobs(ds, jobs, WAIT, null);

        assertThat(check.enqueued()).isEqualTo(jobs.jobs().size()).isGreaterThanOrEqualTo(50);
        assertThat(check.completed()).isEqualTo(check.enqueued());
        assertThat(check.lost()).isZero();
        assertThat(check.duplicated()).isZero();
        assertThat(check.effectsMissing()).isZero();
        assertThat(check.reexecuted()).isZero();
        assertThat(check.holds()).isTrue();
        assertThat(check.problems()).isEmpty();
    }

    @Test
    void plantedLostDuplicatedAndEffectlessJobsAreEachDetectedAndExplained() throws Exception {
        JobLoadResult jobs = enqueue(20);
        List<EnqueuedJob> list = jobs.jobs();
        EnqueuedJob lost = list.get(0);
        EnqueuedJob twice = list.get(1);
        EnqueuedJob noEffect = list.get(2);
        // Hide one job from the worker: it stays AVAILABLE and is lost.
        sql("UPDATE baton_jobs SET kind = 'nobody.handles' WHERE id = " + lost.jobId());
        workAll();
        // The same key completed a second time: its first job is finished, so a new one can be enqueued.
        queue.enqueue(JobRequest.of(JobLoadConfig.SAMPLE_KIND, "{\"key\":\"" + twice.key() + "\"}")
                .withUniqueKey(twice.key()));
        workAll();
        sql("DELETE FROM sample_effects WHERE key = '" + noEffect.key() + "'");

        JobCheck check = Invariants.checkJobs(ds, jobs, Duration.ofSeconds(1), null);

        assertThat(check.lost()).isOne();
        assertThat(check.duplicated()).isOne();
        assertThat(check.effectsMissing()).isOne();
        assertThat(check.reexecuted()).as("the duplicate ran twice too").isOne();
        assertThat(check.holds()).isFalse();
        assertThat(check.problems()).anyMatch(p -> p.startsWith("lost: job " + lost.jobId()) && p.contains("AVAILABLE"))
                .anyMatch(p -> p.startsWith("duplicated: key " + twice.key()))
                .anyMatch(p -> p.startsWith("effect missing: job " + noEffect.jobId()));
    }

    @Test
    void aReExecutionAfterAKillIsCountedAndExplainedButBreaksNothing() throws Exception {
        JobLoadResult jobs = enqueue(5);
        EnqueuedJob killed = jobs.jobs().get(0);
        // The killed holder recorded its effect before dying; the retry records a second execution only.
        applyEffect(killed.key(), killed.jobId());
        workAll();

        JobCheck check = Invariants.checkJobs(ds, jobs, WAIT, null);

        assertThat(check.holds()).isTrue();
        assertThat(check.reexecuted()).isOne();
        assertThat(check.reexecutions()).singleElement().asString().contains(killed.key()).contains("ran 2 times");
    }

    @Test
    void aFailedEnqueueCallIsResolvedByKeyAsEnqueuedOrNeverEnqueued() throws Exception {
        long committed = queue.enqueue(JobRequest.of(JobLoadConfig.SAMPLE_KIND, "{\"key\":\"a\"}").withUniqueKey("a"))
                .id();
        JobLoadResult jobs = new JobLoadResult(List.of(new EnqueuedJob("a", -1, 0, "timed out"),
                new EnqueuedJob("b", -1, 0, "connection refused")));
        workAll();

        JobCheck check = Invariants.checkJobs(ds, jobs, WAIT, null);

        assertThat(check.enqueued()).as("the call failed but the commit happened").isOne();
        assertThat(check.completed()).isOne();
        assertThat(check.notEnqueued()).isOne();
        assertThat(check.lost()).isZero();
        assertThat(queue.find(committed)).isPresent();
    }
}
