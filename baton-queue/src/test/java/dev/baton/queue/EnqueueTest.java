package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EnqueueTest extends QueueTestSupport {

    @Test
    void enqueuedJobIsAvailableWithItsFieldsAndABucket() {
        JobRequest r = JobRequest.of("email", "{\"to\": \"a@b.c\"}").withQueue("mail").withPriority(5).withMaxAttempts(3);
        Enqueued e = queue.enqueue(r);

        Job job = job(e.id());
        assertThat(e.existing()).isFalse();
        assertThat(job.kind()).isEqualTo("email");
        assertThat(job.queue()).isEqualTo("mail");
        assertThat(job.payload()).isEqualTo("{\"to\": \"a@b.c\"}");
        assertThat(job.priority()).isEqualTo(5);
        assertThat(job.maxAttempts()).isEqualTo(3);
        assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job.attempt()).isZero();
        assertThat(job.fence()).isZero();
        assertThat(job.bucket()).isBetween(0, 99);
        assertThat(job.runAt()).isEqualTo(clock.instant());
        assertThat(job.createdAt()).isEqualTo(clock.instant());
        assertThat(job.errors()).isEmpty();
    }

    @Test
    void enqueueInARolledBackTransactionLeavesNothing() throws Exception {
        try (Connection tx = ds.getConnection()) {
            tx.setAutoCommit(false);
            queue.enqueue(tx, JobRequest.of("email", "{}"));
            queue.enqueue(tx, JobRequest.of("email", "{}").withUniqueKey("k"));
            assertThat(tx.isClosed()).isFalse();
            tx.rollback();
        }
        assertThat(count("true")).isZero();
        // The key held only by the rolled-back job is free.
        assertThat(queue.enqueue(JobRequest.of("email", "{}").withUniqueKey("k")).existing()).isFalse();
    }

    @Test
    void enqueueInACommittedTransactionIsVisibleOnlyAfterCommit() throws Exception {
        try (Connection tx = ds.getConnection()) {
            tx.setAutoCommit(false);
            Enqueued e = queue.enqueue(tx, JobRequest.of("email", "{}"));
            assertThat(queue.find(e.id())).isEmpty();
            tx.commit();
            assertThat(queue.find(e.id())).isPresent();
        }
    }

    @Test
    void uniqueKeyReturnsTheLiveJobUntilItFinishes() {
        JobRequest r = JobRequest.of("report", "{}").withUniqueKey("report-42");
        Enqueued first = queue.enqueue(r);
        assertThat(queue.enqueue(r)).isEqualTo(new Enqueued(first.id(), true));

        List<Job> claimed = queue.claim(claimOf(WORKER, "report"));
        assertThat(queue.enqueue(r)).isEqualTo(new Enqueued(first.id(), true));

        assertThat(queue.complete(claimed.get(0))).isTrue();
        Enqueued second = queue.enqueue(r);
        assertThat(second.existing()).isFalse();
        assertThat(second.id()).isNotEqualTo(first.id());
    }

    @Test
    void producersRacingOnOneUniqueKeyCreateOneJob() throws Exception {
        int producers = 8;
        CyclicBarrier start = new CyclicBarrier(producers);
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            List<Future<Enqueued>> results = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                results.add(pool.submit((Callable<Enqueued>) () -> {
                    start.await();
                    return queue.enqueue(JobRequest.of("report", "{}").withUniqueKey("race"));
                }));
            }
            Set<Long> ids = new java.util.HashSet<>();
            int fresh = 0;
            for (Future<Enqueued> f : results) {
                Enqueued e = f.get();
                ids.add(e.id());
                fresh += e.existing() ? 0 : 1;
            }
            assertThat(ids).hasSize(1);
            assertThat(fresh).isEqualTo(1);
            assertThat(count("unique_key = 'race'")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void batchEnqueueReturnsResultsInRequestOrderAndFoldsDuplicateKeys() {
        Enqueued live = queue.enqueue(JobRequest.of("report", "{}").withUniqueKey("live"));
        List<JobRequest> batch = List.of(
                JobRequest.of("a", "{\"n\": 1}"),
                JobRequest.of("b", "{\"n\": 2}").withUniqueKey("live"),
                JobRequest.of("c", "{\"n\": 3}").withUniqueKey("new"),
                JobRequest.of("d", "{\"n\": 4}").withUniqueKey("new"),
                JobRequest.of("e", "{\"n\": 5}").withRunAt(clock.instant().plus(Duration.ofHours(1))));

        List<Enqueued> results = queue.enqueueAll(batch);

        assertThat(results).hasSize(5);
        assertThat(job(results.get(0).id()).kind()).isEqualTo("a");
        assertThat(results.get(1)).isEqualTo(new Enqueued(live.id(), true));
        assertThat(job(results.get(2).id()).kind()).isEqualTo("c");
        assertThat(results.get(3)).isEqualTo(new Enqueued(results.get(2).id(), true));
        assertThat(job(results.get(4).id()).runAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
        assertThat(count("true")).isEqualTo(4);
    }

    @Test
    void bucketsSpreadOverAllHundred() {
        List<JobRequest> batch = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            batch.add(JobRequest.of("spread", "{}"));
        }
        Set<Long> ids = queue.enqueueAll(batch).stream().map(Enqueued::id).collect(Collectors.toSet());
        assertThat(ids).hasSize(5_000);
        assertThat(count("true")).isEqualTo(5_000);
        try (var c = ds.getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(DISTINCT bucket), min(bucket), max(bucket) FROM baton_jobs")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(100);
            assertThat(rs.getInt(2)).isZero();
            assertThat(rs.getInt(3)).isEqualTo(99);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void inputPostgresqlRejectsIsTheCallersFaultNotAnOutage() {
        // Valid JSON, but beyond what jsonb's numeric can hold: only PostgreSQL can tell.
        JobRequest tooBig = JobRequest.of("k", "{\"n\": 1e1000000}");

        assertThatThrownBy(() -> queue.enqueue(tooBig))
                .isInstanceOf(InvalidJobException.class).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("enqueue rejected by PostgreSQL:");
        assertThatThrownBy(() -> queue.enqueueAll(List.of(JobRequest.of("k", "{}"), tooBig)))
                .isInstanceOf(InvalidJobException.class);
        assertThat(count("true")).as("nothing half-enqueued").isZero();
    }

    @Test
    void aHandlersErrorMessageWithANulCharacterIsStoredNotRejected() {
        long id = queue.enqueue(JobRequest.of("k", "{}")).id();
        Job job = queue.claim(claimOf(WORKER, "k")).get(0);
        assertThat(queue.fail(job, "bad byte \u0000 here")).isEqualTo(FailOutcome.RETRYING);
        assertThat(job(id).errors()).containsExactly("bad byte \uFFFD here");
    }
}
