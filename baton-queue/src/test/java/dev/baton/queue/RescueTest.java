package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RescueTest extends QueueTestSupport {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void jobsOfAConsumerThatStoppedHeartbeatingAreRescuedAndItsLateSettleIsFenced() {
        for (int i = 0; i < 3; i++) {
            queue.enqueue(JobRequest.of("k", "{}"));
        }
        List<Job> stale = queue.claim(claimOf("stale", "k"));
        assertThat(stale).hasSize(3);

        clock.advance(LEASE.minusSeconds(1));
        assertThat(queue.rescueExpired()).as("lease not expired yet").isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(queue.rescueExpired()).isEqualTo(3);

        List<Job> taken = queue.claim(claimOf("fresh", "k"));
        assertThat(taken).hasSize(3).allSatisfy(j -> {
            assertThat(j.attempt()).isEqualTo(2);
            assertThat(j.fence()).isEqualTo(2);
            assertThat(j.errors()).containsExactly("lease expired (owner stale)");
        });
        assertThat(queue.completeAll(taken)).hasSize(3);

        for (Job late : stale) {
            assertThat(queue.complete(late)).isFalse();
            assertThat(queue.fail(late, "late")).isEqualTo(FailOutcome.FENCED);
            assertThat(queue.release(late)).isFalse();
        }
        assertThat(count("state = 'COMPLETED'")).isEqualTo(3);
        assertThat(count("state <> 'COMPLETED'")).isZero();
    }

    @Test
    void fenceRejectsTheOldHolderEvenWhenTheSameWorkerReclaims() {
        queue.enqueue(JobRequest.of("k", "{}"));
        Job first = queue.claim(claimOf(WORKER, "k")).get(0);
        clock.advance(LEASE.plusSeconds(1));
        queue.rescueExpired();
        Job second = queue.claim(claimOf(WORKER, "k")).get(0);

        assertThat(queue.complete(first)).isFalse();
        assertThat(queue.complete(second)).isTrue();
    }

    @Test
    void rescueNeverOverwritesAJobCompletedAfterItsLeaseExpired() {
        queue.enqueue(JobRequest.of("k", "{}"));
        Job job = queue.claim(claimOf(WORKER, "k")).get(0);
        clock.advance(LEASE.plusSeconds(5));

        assertThat(queue.complete(job)).as("not taken over yet, so still the holder").isTrue();
        assertThat(queue.rescueExpired()).isZero();
        assertThat(job(job.id()).state()).isEqualTo(JobState.COMPLETED);
        assertThat(job(job.id()).errors()).isEmpty();
    }

    @Test
    void rescueRacingCompletionsLeavesEveryAcknowledgedCompletionCompleted() throws Exception {
        List<JobRequest> batch = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            batch.add(JobRequest.of("k", "{}"));
        }
        queue.enqueueAll(batch);
        List<Job> held = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            held.addAll(queue.claim(claimOf(WORKER, "k")));
        }
        clock.advance(LEASE.plusSeconds(1));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Long>> completer = pool.submit(() -> {
                List<Long> acknowledged = new ArrayList<>();
                for (Job j : held) {
                    if (queue.complete(j)) {
                        acknowledged.add(j.id());
                    }
                }
                return acknowledged;
            });
            Future<Integer> rescuer = pool.submit(() -> {
                int total = 0;
                while (!completer.isDone()) {
                    total += queue.rescueExpired();
                }
                return total + queue.rescueExpired();
            });
            List<Long> acknowledged = completer.get();
            int rescued = rescuer.get();

            assertThat(acknowledged.size() + rescued).isEqualTo(400);
            assertThat(count("state = 'COMPLETED'")).isEqualTo(acknowledged.size());
            assertThat(count("state = 'COMPLETED' AND errors <> '[]'")).isZero();
            assertThat(count("state = 'AVAILABLE'")).isEqualTo(rescued);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lastAttemptThatLostItsLeaseIsDiscarded() {
        long id = queue.enqueue(JobRequest.of("k", "{}").withMaxAttempts(1)).id();
        queue.claim(claimOf(WORKER, "k"));
        clock.advance(LEASE.plusSeconds(1));

        assertThat(queue.rescueExpired()).isEqualTo(1);
        assertThat(job(id).state()).isEqualTo(JobState.DISCARDED);
    }

    @Test
    void onlyTheHolderOfTheRescueLockRescues() throws Exception {
        queue.enqueue(JobRequest.of("k", "{}"));
        queue.claim(claimOf(WORKER, "k"));
        clock.advance(LEASE.plusSeconds(1));

        try (Connection other = ds.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, AdvisoryLock.QUEUE_RESCUE.key());
                lock.execute();
            }
            assertThat(queue.rescueExpired()).isZero();
            other.rollback();
        }
        assertThat(queue.rescueExpired()).isEqualTo(1);
    }
}
