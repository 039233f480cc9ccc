package dev.baton.worker;

import static dev.baton.worker.WorkerTestSupport.count;
import static dev.baton.worker.WorkerTestSupport.jobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import dev.baton.queue.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real worker JVMs, real SIGTERM and SIGKILL, invariants checked in the database. */
@Tag("process")
class WorkerProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final List<WorkerProcess> processes = new ArrayList<>();
    private JobQueue queue;

    @BeforeEach
    void reset() {
        WorkerTestSupport.reset();
        queue = WorkerTestSupport.queue(Duration.ofSeconds(30));
    }

    @AfterEach
    void killAll() {
        processes.forEach(WorkerProcess::close);
    }

    private WorkerProcess start(String name, Map<String, String> env, String... args) {
        WorkerProcess p = WorkerProcess.start(dir, name, env, args);
        processes.add(p);
        return p;
    }

    private static long runningOn(String workerId) {
        return count("SELECT count(*) FROM baton_jobs WHERE state = 'RUNNING' AND lease_owner = ?", workerId);
    }

    private void enqueueSleeps(String prefix, int n, long ms, String effect) {
        List<JobRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = prefix + "-" + i;
            requests.add(JobRequest.of("sleep", "{\"key\":\"" + key + "\",\"ms\":" + ms + ",\"effect\":\"" + effect + "\"}")
                    .withUniqueKey(key));
        }
        queue.enqueueAll(requests);
    }

    @Test
    void sigtermWithFiftySlowJobsInFlightFinishesOrReleasesEachAndAnotherWorkerCompletesTheRest() throws Exception {
        Duration soft = Duration.ofSeconds(3);
        Duration hard = Duration.ofSeconds(3);
        // Half of the jobs end within the soft deadline, half never would.
        enqueueSleeps("quick", 25, 1_500, "after");
        enqueueSleeps("endless", 25, 3_600_000, "after");
        WorkerProcess first = start("first", Map.of(), "--concurrency", "50", "--soft-stop", "3s", "--hard-stop", "3s");
        await().atMost(WAIT).until(() -> runningOn("first") == 50);

        long t0 = System.nanoTime();
        first.sigterm();
        assertThat(first.awaitExit(WAIT)).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(took).as("exit within soft + hard (+ JVM exit)").isLessThan(soft.plus(hard).plusSeconds(3));
        assertThat(jobs(JobState.RUNNING)).as("nothing left holding a lease").isZero();
        long finished = jobs(JobState.COMPLETED);
        long released = jobs(JobState.AVAILABLE);
        assertThat(finished + released).isEqualTo(50);
        assertThat(released).isGreaterThanOrEqualTo(25);
        assertThat(count("SELECT count(*) FROM baton_jobs WHERE state = 'AVAILABLE' AND attempt <> 0"))
                .as("a release does not count an attempt").isZero();
        assertThat(first.log()).as("every late handler was interrupted and released its job itself")
                .contains("interrupting them").doesNotContain("ignored the interrupt");

        start("second", Map.of("BATON_TEST_SLEEP_CAP_MS", "50"), "--concurrency", "50");
        await().atMost(WAIT).until(() -> jobs(JobState.COMPLETED) == 50);
        assertThat(WorkerTestSupport.effectsByKey()).hasSize(50).allSatisfy((key, n) -> assertThat(n).isEqualTo(1));
        assertThat(count("SELECT count(*) FROM baton_workers WHERE id = 'first'")).as("deregistered").isZero();
    }

    @Test
    void sigkillMidJobLeavesTheJobsToBeRescuedAndCompletedOnceWithTheirEffectOnce() throws Exception {
        // The effect is written before the long sleep, so the killed worker has already done it once.
        enqueueSleeps("k", 10, 3_600_000, "before");
        WorkerProcess doomed = start("doomed", Map.of(), "--concurrency", "10", "--lease", "2s");
        await().atMost(WAIT).until(() -> runningOn("doomed") == 10 && WorkerTestSupport.effectsByKey().size() == 10);

        doomed.sigkill();
        assertThat(doomed.awaitExit(WAIT)).isTrue();
        assertThat(runningOn("doomed")).as("SIGKILL leaves the leases to expire").isEqualTo(10);

        WorkerProcess rescuer = start("rescuer", Map.of("BATON_TEST_SLEEP_CAP_MS", "50"), "--concurrency", "10",
                "--lease", "2s");
        await().atMost(WAIT).until(() -> jobs(JobState.COMPLETED) == 10);

        assertThat(WorkerTestSupport.runsByKey()).as("every job ran twice: killed, then rescued")
                .hasSize(10).allSatisfy((key, n) -> assertThat(n).isEqualTo(2));
        assertThat(WorkerTestSupport.effectsByKey()).as("the idempotent effect happened once")
                .hasSize(10).allSatisfy((key, n) -> assertThat(n).isEqualTo(1));
        // The database shows the completions a moment before the worker hears back and counts them.
        await().atMost(WAIT).until(() -> rescuer.metrics()
                .contains("baton_worker_jobs_completed_total{kind=\"sleep\",version=\"\"} 10"));
        assertThat(count("SELECT count(*) FROM baton_jobs WHERE fence = 2 AND state = 'COMPLETED'"))
                .as("each claimed exactly twice, completed once").isEqualTo(10);
    }

    @Test
    void readinessTurns503AsSoonAsDrainingStartsAndBeforeTheProcessExits() throws Exception {
        enqueueSleeps("hold", 1, 3_600_000, "after");
        WorkerProcess w = start("draining", Map.of(), "--soft-stop", "60s", "--hard-stop", "1s");
        assertThat(w.status("/health/ready")).isEqualTo(200);
        await().atMost(WAIT).until(() -> runningOn("draining") == 1);

        w.sigterm();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> w.status("/health/ready") == 503);
        assertThat(w.isAlive()).as("still draining its job").isTrue();
        assertThat(w.status("/health/live")).isEqualTo(200);
        assertThat(runningOn("draining")).isEqualTo(1);
        w.sigkill();
    }

    @Test
    void badPayloadAndAHandlerThrowingAnErrorFailTheirJobsWhileTheProcessKeepsWorking() throws Exception {
        long overflow = queue.enqueue(JobRequest.of("error", "{}").withMaxAttempts(1)).id();
        long bad = queue.enqueue(JobRequest.of("typed", "{\"key\":\"b\",\"quantity\":[1]}")).id();
        WorkerProcess w = start("sturdy", Map.of());

        await().atMost(WAIT).until(() -> queue.find(overflow).orElseThrow().state() == JobState.DISCARDED
                && queue.find(bad).orElseThrow().state() == JobState.DISCARDED);
        assertThat(queue.find(overflow).orElseThrow().errors()).singleElement().asString()
                .startsWith("java.lang.StackOverflowError");
        assertThat(queue.find(bad).orElseThrow().errors()).singleElement().asString()
                .startsWith("payload: cannot be read as Order");

        long good = queue.enqueue(JobRequest.of("typed", "{\"key\":\"g\",\"quantity\":2}")).id();
        await().atMost(WAIT).until(() -> queue.find(good).orElseThrow().state() == JobState.COMPLETED);
        assertThat(w.isAlive()).isTrue();
        assertThat(w.status("/health/ready")).isEqualTo(200);
        await().atMost(WAIT).until(() -> w.metrics().contains("baton_worker_jobs_failed_total{kind=\"error\",version=\"\"} 1")
                && w.metrics().contains("baton_worker_jobs_discarded_total{kind=\"typed\",version=\"\"} 1"));
    }

    @Test
    void sigtermWhileCompletionsArePendingWritesThemAsCompletedAndReleasesNone() throws Exception {
        enqueueSleeps("done", 20, 0, "after");
        // Completions linger a minute in this worker (20 of 50 slots wait), so they are pending at SIGTERM.
        WorkerProcess w = start("pending", Map.of(), "--concurrency", "50", "--completion-linger", "1m",
                "--lease", "10m", "--soft-stop", "2m", "--hard-stop", "2s");
        await().atMost(WAIT).until(() -> w.metrics().contains("baton_worker_completions_pending{version=\"\"} 20"));
        assertThat(WorkerTestSupport.effectsByKey()).as("every handler ended").hasSize(20);
        assertThat(runningOn("pending")).as("nothing written yet").isEqualTo(20);

        w.sigterm();
        assertThat(w.awaitExit(Duration.ofSeconds(30))).as("exits long before the linger (1m) or the soft deadline")
                .isTrue();

        assertThat(jobs(JobState.COMPLETED)).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM baton_jobs WHERE attempt <> 1 OR fence <> 1"))
                .as("each claimed once, never released").isZero();
        assertThat(WorkerTestSupport.runsByKey()).hasSize(20).allSatisfy((key, n) -> assertThat(n).isEqualTo(1));
        assertThat(w.log()).doesNotContain("soft stop deadline").doesNotContain("could not be recorded");
    }
}
