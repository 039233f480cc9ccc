package dev.baton.worker;

import static dev.baton.worker.WorkerTestSupport.count;
import static dev.baton.worker.WorkerTestSupport.jobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.queue.ClaimRequest;
import dev.baton.queue.Enqueued;
import dev.baton.queue.Job;
import dev.baton.queue.JobQueue;
import dev.baton.queue.JobRequest;
import dev.baton.queue.JobState;
import dev.baton.queue.QueueConfig;
import dev.baton.queue.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One worker in this JVM against the real embedded PostgreSQL. */
class WorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<Worker> workers = new ArrayList<>();
    private JobQueue queue;

    @BeforeEach
    void reset() {
        WorkerTestSupport.reset();
        queue = WorkerTestSupport.queue(Duration.ofSeconds(30));
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(w -> w.stop(Duration.ZERO, Duration.ofSeconds(1)));
    }

    private Worker start(WorkerConfig config, Map<String, JobHandler> handlers) {
        Worker w = Worker.builder(WorkerTestSupport.dataSource()).config(config).handleAll(handlers)
                .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(50))).stopOnShutdown(false).build();
        workers.add(w);
        w.start();
        return w;
    }

    private static WorkerConfig config(String id) {
        return WorkerConfig.defaults().withId(id).withVersion("v1").withPollInterval(Duration.ofMillis(200))
                .withHealth("127.0.0.1", -1);
    }

    private Job job(long id) {
        return queue.find(id).orElseThrow();
    }

    @Test
    void completesEveryJobExactlyOnceAndNeverRunsMoreHandlersThanSlots() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
        Worker w = start(config("w1").withConcurrency(4), Map.of("count", ctx -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            runs.computeIfAbsent(ctx.jobId(), id -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(2);
            running.decrementAndGet();
            return JobResult.complete();
        }));
        List<JobRequest> requests = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            requests.add(JobRequest.of("count", "{\"n\":" + i + "}"));
        }
        queue.enqueueAll(requests);

        await().atMost(WAIT).until(() -> jobs(JobState.COMPLETED) == 200);
        assertThat(runs).hasSize(200).allSatisfy((id, n) -> assertThat(n.get()).isEqualTo(1));
        assertThat(maxRunning.get()).isLessThanOrEqualTo(4);
        // The database shows a batch completed a moment before the worker hears back and counts it.
        await().atMost(WAIT).until(() -> w.inFlight() == 0);
        assertThat(w.renderMetrics())
                .contains("baton_worker_jobs_claimed_total{kind=\"count\",version=\"v1\"} 200")
                .contains("baton_worker_jobs_completed_total{kind=\"count\",version=\"v1\"} 200")
                .contains("baton_worker_handler_duration_seconds_count{kind=\"count\",version=\"v1\"} 200");
        assertThat(count("SELECT count(*) FROM baton_jobs WHERE version = 'v1'")).isEqualTo(200);
    }

    @Test
    void neverClaimsAKindItHasNoHandlerForAndSuchAJobWaitsForAWorkerThatHasIt() {
        long foreign = queue.enqueue(JobRequest.of("foreign", "{}")).id();
        long mine = queue.enqueue(JobRequest.of("mine", "{}")).id();
        start(config("w-mine"), Map.of("mine", ctx -> JobResult.complete()));

        await().atMost(WAIT).until(() -> job(mine).state() == JobState.COMPLETED);
        // The foreign job came first in claim order, so a worker that could take it would have.
        assertThat(job(foreign).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job(foreign).fence()).isZero();

        start(config("w-foreign"), Map.of("foreign", ctx -> JobResult.complete()));
        await().atMost(WAIT).until(() -> job(foreign).state() == JobState.COMPLETED);
    }

    @Test
    void aThrowingHandlerFailsTheAttemptWithTheExceptionRecordedAndTheQueueRetries() {
        long id = queue.enqueue(JobRequest.of("flaky", "{}").withMaxAttempts(2)).id();
        Worker w = start(config("w1"), Map.of("flaky", ctx -> {
            throw new IllegalStateException("downstream said no on attempt " + ctx.attempt());
        }));

        await().atMost(WAIT).until(() -> job(id).state() == JobState.DISCARDED);
        assertThat(job(id).errors()).hasSize(2);
        assertThat(job(id).errors().get(0)).contains("IllegalStateException: downstream said no on attempt 1");
        assertThat(job(id).errors().get(1)).contains("downstream said no on attempt 2");
        await().atMost(WAIT).until(() -> w.renderMetrics()
                .contains("baton_worker_jobs_failed_total{kind=\"flaky\",version=\"v1\"} 2"));
    }

    @Test
    void anErrorInAHandlerFailsTheJobAndTheWorkerKeepsRunning() {
        long overflow = queue.enqueue(JobRequest.of("error", "{}").withMaxAttempts(1)).id();
        Worker w = start(config("w1"), new TestHandlers().handlers(WorkerTestSupport.dataSource()));

        await().atMost(WAIT).until(() -> job(overflow).state() == JobState.DISCARDED);
        assertThat(job(overflow).errors()).singleElement().asString().startsWith("java.lang.StackOverflowError");

        long next = queue.enqueue(JobRequest.of("typed", "{\"key\":\"after-error\",\"quantity\":1}")).id();
        await().atMost(WAIT).until(() -> job(next).state() == JobState.COMPLETED);
        assertThat(w.state()).isEqualTo(WorkerState.RUNNING);
        assertThat(w.readiness().ready()).isTrue();
    }

    @Test
    void aPayloadTheHandlerCannotReadIsDiscardedAtOnceWithTheReason() {
        long id = queue.enqueue(JobRequest.of("typed", "{\"key\":\"k\",\"quantity\":\"many\"}").withMaxAttempts(5)).id();
        start(config("w1"), new TestHandlers().handlers(WorkerTestSupport.dataSource()));

        await().atMost(WAIT).until(() -> job(id).state() == JobState.DISCARDED);
        assertThat(job(id).attempt()).isEqualTo(1);
        assertThat(job(id).errors()).singleElement().asString().startsWith("payload: cannot be read as Order");
    }

    @Test
    void retryLaterAndDiscardDecisionsAreAppliedAsReturned() {
        long later = queue.enqueue(JobRequest.of("decide", "{\"later\":true}")).id();
        long dropped = queue.enqueue(JobRequest.of("decide", "{\"later\":false}")).id();
        start(config("w1"), Map.of("decide", ctx -> ctx.payload().path("later").asBoolean()
                ? JobResult.retryLater(Duration.ofHours(1), "rate limited")
                : JobResult.discard("customer deleted")));

        await().atMost(WAIT).until(() -> job(dropped).state() == JobState.DISCARDED
                && job(later).state() == JobState.AVAILABLE && job(later).fence() == 1);
        assertThat(job(dropped).errors()).anyMatch(e -> e.contains("customer deleted"));
        assertThat(job(later).attempt()).isZero();
        assertThat(job(later).runAt()).isAfter(Instant.now().plus(Duration.ofMinutes(50)));
    }

    @Test
    void softStopLetsInFlightJobsFinishReportsNotReadyAndClaimsNothingNew() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Worker w = start(config("w1").withConcurrency(4).withHealth("127.0.0.1", 0), Map.of("hold", ctx -> {
            started.incrementAndGet();
            finish.await();
            return JobResult.complete();
        }));
        for (int i = 0; i < 4; i++) {
            queue.enqueue(JobRequest.of("hold", "{}"));
        }
        await().atMost(WAIT).until(() -> started.get() == 4);

        Thread stopper = Thread.ofPlatform().start(() -> w.stop(Duration.ofSeconds(60), Duration.ofSeconds(1)));
        await().atMost(WAIT).until(() -> w.state() == WorkerState.DRAINING);
        assertThat(w.readiness()).isEqualTo(new Readiness(false, "draining"));
        long late = queue.enqueue(JobRequest.of("hold", "{}")).id();
        finish.countDown();
        stopper.join(WAIT.toMillis());

        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
        assertThat(jobs(JobState.COMPLETED)).isEqualTo(4);
        assertThat(job(late).fence()).isZero();
        assertThat(count("SELECT count(*) FROM baton_workers WHERE id = 'w1'")).isZero();
    }

    @Test
    void hardStopInterruptsHandlersAndReleasesTheirJobsWithoutCountingAnAttempt() throws Exception {
        CountDownLatch stubbornMayEnd = new CountDownLatch(1);
        CountDownLatch politeInterrupted = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Worker w = start(config("w1").withConcurrency(4), Map.of(
                "polite", ctx -> {
                    started.incrementAndGet();
                    try {
                        Thread.sleep(Duration.ofHours(1));
                    } catch (InterruptedException e) {
                        politeInterrupted.countDown();
                        throw e;
                    }
                    return JobResult.complete();
                },
                "stubborn", ctx -> {
                    started.incrementAndGet();
                    while (true) {
                        try {
                            stubbornMayEnd.await();
                            return JobResult.complete();
                        } catch (InterruptedException ignored) {
                            // A badly behaved handler: it swallows the interrupt and keeps going.
                        }
                    }
                }));
        long polite = queue.enqueue(JobRequest.of("polite", "{}")).id();
        long stubborn = queue.enqueue(JobRequest.of("stubborn", "{}")).id();
        await().atMost(WAIT).until(() -> started.get() == 2);

        long t0 = System.nanoTime();
        w.stop(Duration.ofMillis(200), Duration.ofSeconds(2));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        stubbornMayEnd.countDown();

        assertThat(took).isLessThan(Duration.ofMillis(200 + 2000 + 1000));
        assertThat(politeInterrupted.getCount()).as("the handler was interrupted").isZero();
        for (long id : List.of(polite, stubborn)) {
            assertThat(job(id).state()).isEqualTo(JobState.AVAILABLE);
            assertThat(job(id).attempt()).isZero();
            assertThat(job(id).leaseOwner()).isNull();
        }
        assertThat(w.renderMetrics())
                .contains("baton_worker_jobs_released_total{kind=\"polite\",version=\"v1\"} 1")
                .contains("baton_worker_jobs_released_total{kind=\"stubborn\",version=\"v1\"} 1");
    }

    @Test
    void stopIsSafeBeforeStartAndIdempotent() throws Exception {
        Worker never = Worker.builder(WorkerTestSupport.dataSource()).handle("x", ctx -> null)
                .stopOnShutdown(false).build();
        never.stop();
        never.stop();
        assertThat(never.state()).isEqualTo(WorkerState.STOPPED);
        assertThatThrownBy(never::start).hasMessageContaining("is STOPPED, not NEW");

        Worker w = start(config("w1"), Map.of("x", ctx -> null));
        Thread other = Thread.ofPlatform().start(w::stop);
        w.stop();
        other.join(WAIT.toMillis());
        w.stop();
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
        assertThat(other.isAlive()).isFalse();
    }

    @Test
    void registersWithKindsAndVersionAndDeregistersOnStop() {
        Worker w = start(config("w-reg").withVersion("v9"), Map.of("a", ctx -> null, "b", ctx -> null));
        assertThat(queue.workers().live()).singleElement().satisfies(info -> {
            assertThat(info.id()).isEqualTo("w-reg");
            assertThat(info.version()).isEqualTo("v9");
            assertThat(info.kinds()).isEqualTo(Set.of("a", "b"));
            assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
        });
        w.stop();
        assertThat(queue.workers().live()).isEmpty();
    }

    @Test
    void aHandlerWhoseLeaseWasLostIsInterruptedAndItsResultIsNotRecorded() {
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Duration lease = Duration.ofSeconds(2);
        Worker w = start(config("slow").withConcurrency(1).withLease(lease), Map.of("long", ctx -> {
            started.incrementAndGet();
            try {
                Thread.sleep(Duration.ofHours(1));
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return JobResult.complete(); // must not be recorded: the job is someone else's now
        }));
        long id = queue.enqueue(JobRequest.of("long", "{}")).id();
        await().atMost(WAIT).until(() -> started.get() == 1);

        // Another worker whose clock is past our lease takes the job over, as after a long pause.
        Clock later = Clock.offset(Clock.systemUTC(), lease.multipliedBy(3));
        JobQueue thief = new JobQueue(WorkerTestSupport.dataSource(), QueueConfig.defaults().withLeaseDuration(lease),
                later);
        await().atMost(WAIT).until(() -> {
            thief.rescueExpired();
            return !thief.claim(new ClaimRequest("thief", null, Set.of("long"), Set.of(), 1)).isEmpty();
        });

        await().atMost(WAIT).until(() -> interrupted.getCount() == 0);
        await().atMost(WAIT).until(() -> w.renderMetrics()
                .contains("baton_worker_jobs_lease_lost_total{kind=\"long\",version=\"v1\"} 1"));
        assertThat(job(id).state()).isEqualTo(JobState.RUNNING);
        assertThat(job(id).leaseOwner()).isEqualTo("thief");
        assertThat(w.renderMetrics()).contains("baton_worker_jobs_completed_total{kind=\"long\",version=\"v1\"} 0");
        assertThat(thief.complete(job(id))).isTrue();
    }

    @Test
    void aStaleExecutionIsInterruptedWhenItsJobIsClaimedAgainUnderTheSameWorkerId() {
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Duration lease = Duration.ofSeconds(2);
        Worker w = start(config("same").withConcurrency(1).withLease(lease), Map.of("long", ctx -> {
            started.incrementAndGet();
            try {
                Thread.sleep(Duration.ofHours(1));
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return JobResult.complete();
        }));
        long id = queue.enqueue(JobRequest.of("long", "{}")).id();
        await().atMost(WAIT).until(() -> started.get() == 1);

        // The lease is rescued (seen from a clock past it) and the job claimed again under the same worker
        // id, as this worker would after a long pause: a new claim, while the first execution still runs.
        JobQueue later = new JobQueue(WorkerTestSupport.dataSource(), QueueConfig.defaults().withLeaseDuration(lease),
                Clock.offset(Clock.systemUTC(), lease.multipliedBy(3)));
        await().atMost(WAIT).until(() -> {
            later.rescueExpired();
            return !later.claim(new ClaimRequest("same", "v1", Set.of("long"), Set.of(), 1)).isEmpty();
        });
        long newFence = job(id).fence();

        await().atMost(WAIT).until(() -> interrupted.getCount() == 0);
        await().atMost(WAIT).until(() -> w.renderMetrics()
                .contains("baton_worker_jobs_lease_lost_total{kind=\"long\",version=\"v1\"} 1"));
        assertThat(job(id).state()).isEqualTo(JobState.RUNNING);
        assertThat(job(id).fence()).isEqualTo(newFence);
        assertThat(later.complete(job(id))).as("the new claim is untouched").isTrue();
    }

    @Test
    void enqueuedJobsWakeAnIdleWorkerWithoutWaitingForThePoll() {
        start(config("w1").withPollInterval(Duration.ofMinutes(5)), Map.of("ping", ctx -> null));
        // The first poll happens at start; after it, only a notification can bring the job in time.
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM baton_workers") == 1);
        Enqueued e = queue.enqueue(JobRequest.of("ping", "{}"));
        await().atMost(WAIT).until(() -> job(e.id()).state() == JobState.COMPLETED);
    }

    @Test
    void aBatchOfCompletionsWithOneLeaseLostCompletesTheOthersAndCountsTheLostOneAsLeaseLost() {
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        JobHandler hold = ctx -> {
            started.incrementAndGet();
            finish.await();
            return JobResult.complete();
        };
        // Five slots and a long linger: the batch is written when all five wait, as one statement. A long
        // lease keeps the heartbeat from noticing the takeover before the handlers end.
        Worker w = start(config("w1").withConcurrency(5).withLease(Duration.ofMinutes(10))
                .withCompletionLinger(Duration.ofMinutes(1)), Map.of("hold", hold, "victim", hold));
        List<Long> others = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            others.add(queue.enqueue(JobRequest.of("hold", "{}")).id());
        }
        long victim = queue.enqueue(JobRequest.of("victim", "{}")).id();
        await().atMost(WAIT).until(() -> started.get() == 5);

        // Another worker takes the victim over while its handler still runs here.
        assertThat(queue.release(job(victim))).isTrue();
        assertThat(queue.claim(new ClaimRequest("thief", null, Set.of("victim"), Set.of(), 1))).hasSize(1);
        finish.countDown();

        await().atMost(WAIT).until(() -> w.inFlight() == 0);
        assertThat(others).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(JobState.COMPLETED));
        assertThat(count("SELECT count(DISTINCT finished_at) FROM baton_jobs WHERE state = 'COMPLETED'"))
                .as("the four were completed by one statement").isEqualTo(1);
        assertThat(job(victim).state()).isEqualTo(JobState.RUNNING);
        assertThat(job(victim).leaseOwner()).isEqualTo("thief");
        assertThat(job(victim).fence()).isEqualTo(2);
        assertThat(w.renderMetrics())
                .contains("baton_worker_jobs_completed_total{kind=\"hold\",version=\"v1\"} 4")
                .contains("baton_worker_jobs_completed_total{kind=\"victim\",version=\"v1\"} 0")
                .contains("baton_worker_jobs_lease_lost_total{kind=\"victim\",version=\"v1\"} 1")
                .contains("baton_worker_jobs_lease_lost_total{kind=\"hold\",version=\"v1\"} 0")
                .contains("baton_worker_completions_pending{version=\"v1\"} 0");
    }

    @Test
    void aStopWritesPendingCompletionsAtOnceInsteadOfLingeringOrReleasingThem() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Worker w = start(config("w1").withConcurrency(10).withCompletionLinger(Duration.ofMinutes(1)),
                Map.of("hold", ctx -> {
                    started.incrementAndGet();
                    finish.await();
                    return JobResult.complete();
                }));
        for (int i = 0; i < 3; i++) {
            queue.enqueue(JobRequest.of("hold", "{}"));
        }
        await().atMost(WAIT).until(() -> started.get() == 3);
        finish.countDown();
        // Three of ten slots wait: the batch lingers (a minute here), the jobs stay RUNNING and held.
        await().atMost(WAIT).until(() -> w.renderMetrics().contains("baton_worker_completions_pending{version=\"v1\"} 3"));
        assertThat(jobs(JobState.RUNNING)).isEqualTo(3);

        // Soft deadline far beyond the test's wait: only writing the batch at once lets stop return in time.
        Thread stopper = Thread.ofPlatform().start(() -> w.stop(Duration.ofMinutes(5), Duration.ofSeconds(1)));
        await().atMost(WAIT).until(() -> w.state() == WorkerState.STOPPED);
        stopper.join(WAIT.toMillis());
        assertThat(jobs(JobState.COMPLETED)).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM baton_jobs WHERE attempt <> 1 OR fence <> 1")).isZero();
        assertThat(w.renderMetrics()).contains("baton_worker_jobs_completed_total{kind=\"hold\",version=\"v1\"} 3")
                .contains("baton_worker_jobs_released_total{kind=\"hold\",version=\"v1\"} 0");
    }
}
