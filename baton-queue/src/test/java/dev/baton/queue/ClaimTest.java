package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClaimTest extends QueueTestSupport {

    @Test
    void claimTakesOnlyKindsTheWorkerHandles() {
        queue.enqueue(JobRequest.of("new-kind", "{}"));
        long known = queue.enqueue(JobRequest.of("email", "{}")).id();

        List<Job> claimed = queue.claim(claimOf(WORKER, "email"));

        assertThat(claimed).extracting(Job::id).containsExactly(known);
        assertThat(count("kind = 'new-kind' AND state = 'AVAILABLE' AND attempt = 0")).isEqualTo(1);
    }

    @Test
    void claimSetsLeaseAttemptFenceAndVersion() {
        long id = queue.enqueue(JobRequest.of("email", "{}")).id();

        Job job = queue.claim(new ClaimRequest(WORKER, "v7", Set.of("email"), Set.of(), 1)).get(0);

        assertThat(job.id()).isEqualTo(id);
        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        assertThat(job.leaseOwner()).isEqualTo(WORKER);
        assertThat(job.leaseExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofSeconds(30)));
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.fence()).isEqualTo(1);
        assertThat(job.version()).isEqualTo("v7");
        assertThat(queue.claim(claimOf("worker-2", "email"))).isEmpty();
    }

    @Test
    void higherPriorityFirstThenOldestRunAtThenId() {
        long low = queue.enqueue(JobRequest.of("k", "{}").withPriority(-5)).id();
        long oldNormal = queue.enqueue(JobRequest.of("k", "{}").withRunAt(clock.instant().minusSeconds(60))).id();
        long normal = queue.enqueue(JobRequest.of("k", "{}")).id();
        long normal2 = queue.enqueue(JobRequest.of("k", "{}")).id();
        long urgent = queue.enqueue(JobRequest.of("k", "{}").withPriority(100)).id();

        List<Long> order = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            order.add(queue.claim(new ClaimRequest(WORKER, null, Set.of("k"), Set.of(), 1)).get(0).id());
        }

        assertThat(order).containsExactly(urgent, oldNormal, normal, normal2, low);
    }

    @Test
    void aBatchClaimComesBackInClaimOrder() {
        long low = queue.enqueue(JobRequest.of("k", "{}").withPriority(-1)).id();
        long high = queue.enqueue(JobRequest.of("k", "{}").withPriority(1)).id();
        long mid = queue.enqueue(JobRequest.of("k", "{}")).id();

        assertThat(queue.claim(claimOf(WORKER, "k"))).extracting(Job::id).containsExactly(high, mid, low);
    }

    @Test
    void scheduledJobIsNotClaimedBeforeItsTime() {
        long id = queue.enqueue(JobRequest.of("k", "{}").withRunAt(clock.instant().plus(Duration.ofMinutes(5)))).id();

        assertThat(queue.claim(claimOf(WORKER, "k"))).isEmpty();
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(queue.claim(claimOf(WORKER, "k"))).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(queue.claim(claimOf(WORKER, "k"))).extracting(Job::id).containsExactly(id);
    }

    @Test
    void claimTakesOnlyTheNamedQueuesWhenGiven() {
        long mail = queue.enqueue(JobRequest.of("k", "{}").withQueue("mail")).id();
        long bulk = queue.enqueue(JobRequest.of("k", "{}").withQueue("bulk")).id();

        assertThat(queue.claim(new ClaimRequest(WORKER, null, Set.of("k"), Set.of("mail"), 10)))
                .extracting(Job::id).containsExactly(mail);
        assertThat(queue.claim(claimOf(WORKER, "k"))).extracting(Job::id).containsExactly(bulk);
    }

    @Test
    void claimRespectsTheLimit() {
        for (int i = 0; i < 25; i++) {
            queue.enqueue(JobRequest.of("k", "{}"));
        }
        assertThat(queue.claim(claimOf(WORKER, "k"))).hasSize(10);
        assertThat(count("state = 'RUNNING'")).isEqualTo(10);
    }
}
