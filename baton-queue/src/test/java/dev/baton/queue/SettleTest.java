package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettleTest extends QueueTestSupport {

    private Job claimOne() {
        List<Job> jobs = queue.claim(claimOf(WORKER, "k"));
        assertThat(jobs).hasSize(1);
        return jobs.get(0);
    }

    @Test
    void failedJobRetriesAfterBackoffAndIsDiscardedAfterMaxAttemptsWithItsHistory() {
        long id = queue.enqueue(JobRequest.of("k", "{}").withMaxAttempts(3)).id();

        assertThat(queue.fail(claimOne(), "boom 1")).isEqualTo(FailOutcome.RETRYING);
        Job waiting = job(id);
        assertThat(waiting.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(waiting.runAt()).isEqualTo(clock.instant().plusSeconds(10));
        assertThat(queue.claim(claimOf(WORKER, "k"))).as("not before the backoff").isEmpty();

        clock.advance(Duration.ofSeconds(10));
        assertThat(queue.fail(claimOne(), "boom 2")).isEqualTo(FailOutcome.RETRYING);
        clock.advance(Duration.ofSeconds(10));
        assertThat(queue.fail(claimOne(), "boom 3")).isEqualTo(FailOutcome.DISCARDED);

        Job dead = job(id);
        assertThat(dead.state()).isEqualTo(JobState.DISCARDED);
        assertThat(dead.attempt()).isEqualTo(3);
        assertThat(dead.errors()).containsExactly("boom 1", "boom 2", "boom 3");
        clock.advance(Duration.ofHours(1));
        assertThat(queue.claim(claimOf(WORKER, "k"))).isEmpty();
    }

    @Test
    void errorHistoryRecordsAttemptTimeAndVersion() throws Exception {
        long id = queue.enqueue(JobRequest.of("k", "{}")).id();
        Job job = queue.claim(new ClaimRequest(WORKER, "v2", Set.of("k"), Set.of(), 1)).get(0);
        queue.fail(job, "boom");
        try (var c = ds.getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT errors->0->>'attempt', (errors->0->>'at')::timestamptz, "
                     + "errors->0->>'version', errors->0->>'error' FROM baton_jobs WHERE id = " + id)) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getObject(2, java.time.OffsetDateTime.class).toInstant()).isEqualTo(clock.instant());
            assertThat(rs.getString(3)).isEqualTo("v2");
            assertThat(rs.getString(4)).isEqualTo("boom");
        }
    }

    @Test
    void discardedJobsCanBeRetriedWithAttemptsReset() {
        long id = queue.enqueue(JobRequest.of("k", "{}").withMaxAttempts(1)).id();
        assertThat(queue.fail(claimOne(), "boom")).isEqualTo(FailOutcome.DISCARDED);

        assertThat(queue.retryDiscarded(List.of(id, 999_999L))).isEqualTo(1);

        Job retried = claimOne();
        assertThat(retried.id()).isEqualTo(id);
        assertThat(retried.attempt()).isEqualTo(1);
        assertThat(queue.complete(retried)).isTrue();
    }

    @Test
    void retryingTwoDeadJobsOfOneUniqueKeyBringsBackOnlyTheNewest() {
        long older = queue.enqueue(JobRequest.of("k", "{}").withUniqueKey("invoice-7")).id();
        queue.discard(claimOne(), "first try");
        long newer = queue.enqueue(JobRequest.of("k", "{}").withUniqueKey("invoice-7")).id();
        queue.discard(claimOne(), "second try");

        assertThat(queue.retryDiscarded(List.of(older, newer))).isEqualTo(1);
        assertThat(job(newer).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job(older).state()).isEqualTo(JobState.DISCARDED);
        assertThat(queue.retryDiscarded(List.of(older))).as("the key is taken again").isZero();
    }

    @Test
    void discardIsImmediateAndRecordsTheReason() {
        long id = queue.enqueue(JobRequest.of("k", "{}")).id();
        assertThat(queue.discard(claimOne(), "payload refers to a deleted account")).isTrue();
        assertThat(job(id).state()).isEqualTo(JobState.DISCARDED);
        assertThat(job(id).errors()).containsExactly("payload refers to a deleted account");
    }

    @Test
    void releaseGivesTheJobBackWithoutBurningAnAttempt() {
        long id = queue.enqueue(JobRequest.of("k", "{}").withMaxAttempts(1)).id();
        for (int i = 0; i < 3; i++) {
            assertThat(queue.release(claimOne())).isTrue();
        }
        Job job = job(id);
        assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job.attempt()).isZero();
        assertThat(job.fence()).isEqualTo(3);
        assertThat(job.leaseOwner()).isNull();
        // With maxAttempts 1, a burned attempt would discard on this failure; none was burned.
        Job last = claimOne();
        assertThat(last.attempt()).isEqualTo(1);
        assertThat(queue.complete(last)).isTrue();
    }

    @Test
    void retryLaterRunsAgainAfterTheDelayWithoutCountingTheAttempt() {
        long id = queue.enqueue(JobRequest.of("k", "{}")).id();
        assertThat(queue.retryLater(claimOne(), Duration.ofMinutes(1), "rate limited")).isTrue();
        assertThat(job(id).attempt()).isZero();
        assertThat(queue.claim(claimOf(WORKER, "k"))).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(claimOne().attempt()).isEqualTo(1);
        assertThatThrownBy(() -> queue.retryLater(job(id), Duration.ofSeconds(-1), "x"))
                .hasMessage("delay: must not be negative, got PT-1S");
    }

    @Test
    void heartbeatExtendsOnlyLeasesStillHeld() {
        long a = queue.enqueue(JobRequest.of("k", "{}")).id();
        long b = queue.enqueue(JobRequest.of("k", "{}")).id();
        List<Job> mine = queue.claim(claimOf(WORKER, "k"));
        queue.complete(mine.stream().filter(j -> j.id() == b).findFirst().orElseThrow());

        clock.advance(Duration.ofSeconds(20));
        Lease held = job(a).lease();
        assertThat(queue.heartbeat(WORKER, List.of(held, job(b).lease()))).containsExactly(held);
        assertThat(queue.heartbeat("someone-else", List.of(held))).isEmpty();
        assertThat(job(a).leaseExpiresAt()).isEqualTo(clock.instant().plusSeconds(30));
    }

    @Test
    void heartbeatOfAStaleClaimIsRejectedAfterTheSameWorkerClaimedTheJobAgain() {
        long id = queue.enqueue(JobRequest.of("k", "{}")).id();
        Lease stale = claimOne().lease();
        clock.advance(Duration.ofSeconds(31));
        assertThat(queue.rescueExpired()).isEqualTo(1);
        Lease current = claimOne().lease();

        assertThat(current.jobId()).isEqualTo(id);
        assertThat(queue.heartbeat(WORKER, List.of(stale, current))).containsExactly(current);
        assertThat(queue.heartbeat(WORKER, List.of(stale))).isEmpty();
    }

    @Test
    void completeAllCompletesHeldJobsAndRejectsStaleOnes() {
        for (int i = 0; i < 5; i++) {
            queue.enqueue(JobRequest.of("k", "{}"));
        }
        List<Job> jobs = queue.claim(claimOf(WORKER, "k"));
        Job stolen = jobs.get(0);
        assertThat(queue.release(stolen)).isTrue();
        Job reclaimed = queue.claim(claimOf("worker-2", "k")).get(0);
        assertThat(reclaimed.id()).isEqualTo(stolen.id());

        Set<Long> done = queue.completeAll(jobs);

        assertThat(done).hasSize(4).doesNotContain(stolen.id());
        assertThat(job(stolen.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(count("state = 'COMPLETED'")).isEqualTo(4);
    }

    @Test
    void heartbeatsRacingBatchCompletionsOfTheSameWorkerNeverDeadlock() throws Exception {
        List<JobRequest> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            batch.add(JobRequest.of("k", "{}"));
        }
        queue.enqueueAll(batch);
        List<Job> held = new java.util.ArrayList<>(queue.claim(new ClaimRequest(WORKER, null, Set.of("k"), Set.of(), 400)));
        List<Lease> leases = held.stream().map(Job::lease).toList();
        java.util.Collections.shuffle(held, new java.util.Random(7));

        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var completer = pool.submit(() -> {
                int done = 0;
                for (int from = 0; from < held.size(); from += 20) {
                    done += queue.completeAll(held.subList(from, from + 20)).size();
                }
                return done;
            });
            var heartbeater = pool.submit(() -> {
                while (!completer.isDone()) {
                    queue.heartbeat(WORKER, leases.reversed());
                }
                return null;
            });
            assertThat(completer.get()).isEqualTo(400);
            heartbeater.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("state = 'COMPLETED'")).isEqualTo(400);
    }
}
