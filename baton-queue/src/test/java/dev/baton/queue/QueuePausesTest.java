package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueuePausesTest extends QueueTestSupport {

    @Test
    void aPausedQueueIsNotClaimedFromUntilResumedWhileOtherQueuesAre() {
        QueuePauses pauses = new QueuePauses(ds, clock);
        long held = queue.enqueue(JobRequest.of("k", "{}").withQueue("mail")).id();
        long other = queue.enqueue(JobRequest.of("k", "{}")).id();

        assertThat(pauses.pause("mail", "smtp down")).isTrue();
        assertThat(pauses.pause("mail", "again")).as("already paused").isFalse();
        long enqueuedWhilePaused = queue.enqueue(JobRequest.of("k", "{}").withQueue("mail")).id();

        assertThat(queue.claim(claimOf(WORKER, "k"))).extracting(Job::id).containsExactly(other);
        assertThat(queue.claim(claimOf(WORKER, "k"))).isEmpty();
        assertThat(pauses.paused()).extracting(QueuePauses.Paused::queue, QueuePauses.Paused::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("mail", "smtp down"));

        assertThat(pauses.resume("mail")).isTrue();
        assertThat(pauses.resume("mail")).as("not paused any more").isFalse();
        assertThat(queue.claim(claimOf(WORKER, "k"))).extracting(Job::id).containsExactlyInAnyOrder(held, enqueuedWhilePaused);
        assertThat(pauses.paused()).isEmpty();
    }

    @Test
    void aQueueNameIsCheckedNamingTheField() {
        QueuePauses pauses = new QueuePauses(ds, clock);
        assertThatThrownBy(() -> pauses.pause(" ", null)).hasMessageStartingWith("queue: must be a queue name");
        assertThatThrownBy(() -> pauses.resume("a\u0000b")).hasMessageStartingWith("queue: must be a queue name");
    }
}
