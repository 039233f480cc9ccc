package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobCommandsTest extends QueueTestSupport {

    private JobCommands commands() {
        return new JobCommands(ds, clock);
    }

    @Test
    void discardTakesWaitingJobsAndSaysWhyEveryOtherIdWasNotChanged() {
        long waiting = queue.enqueue(JobRequest.of("k", "{}")).id();
        long running = queue.enqueue(JobRequest.of("k", "{}")).id();
        long done = queue.enqueue(JobRequest.of("k", "{}")).id();
        for (Job j : queue.claim(claimOf(WORKER, "k"))) {
            if (j.id() == done) {
                queue.complete(j);
            } else if (j.id() == waiting) {
                queue.release(j);
            }
        }

        List<JobCommands.Outcome> out = commands().discard(List.of(waiting, running, done, 999_999L), "poison");

        assertThat(out).extracting(JobCommands.Outcome::id).containsExactly(waiting, running, done, 999_999L);
        assertThat(out.get(0).changed()).isTrue();
        assertThat(out.get(1).reason()).contains("running");
        assertThat(out.get(2).reason()).contains("already completed");
        assertThat(out.get(3).reason()).contains("no such job");
        assertThat(job(waiting).state()).isEqualTo(JobState.DISCARDED);
        assertThat(job(waiting).errors()).containsExactly("poison");
        assertThat(job(running).state()).isEqualTo(JobState.RUNNING);
        assertThat(job(done).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void retryBringsDeadLettersBackAndSaysWhyEveryOtherIdWasNotChanged() {
        long dead = queue.enqueue(JobRequest.of("k", "{}")).id();
        long waiting = queue.enqueue(JobRequest.of("k", "{}")).id();
        long deadKey = queue.enqueue(JobRequest.of("k", "{}").withUniqueKey("u")).id();
        commands().discard(List.of(dead, deadKey), "by hand");
        long liveKey = queue.enqueue(JobRequest.of("k", "{}").withUniqueKey("u")).id();

        List<JobCommands.Outcome> out = commands().retry(List.of(dead, waiting, deadKey, 999_999L));

        assertThat(out.get(0).changed()).isTrue();
        assertThat(out.get(1).reason()).contains("waiting in the queue already");
        assertThat(out.get(2).reason()).contains("unique key 'u'");
        assertThat(out.get(3).reason()).contains("no such job");
        assertThat(job(dead).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(job(deadKey).state()).isEqualTo(JobState.DISCARDED);
        assertThat(job(liveKey).state()).isEqualTo(JobState.AVAILABLE);
    }

    @Test
    void listFiltersNewestFirstAndShowGivesTheWholeErrorHistory() {
        long a = queue.enqueue(JobRequest.of("mail", "{}").withQueue("q1")).id();
        long b = queue.enqueue(JobRequest.of("sms", "{}").withQueue("q1")).id();
        long c = queue.enqueue(JobRequest.of("mail", "{}").withQueue("q2")).id();
        Job claimed = queue.claim(new ClaimRequest(WORKER, "v7", java.util.Set.of("sms"), java.util.Set.of(), 1)).get(0);
        queue.fail(claimed, "smtp said no");

        assertThat(commands().list(null, null, null, 10)).extracting(Job::id).containsExactly(c, b, a);
        assertThat(commands().list(JobState.AVAILABLE, "mail", null, 10)).extracting(Job::id).containsExactly(c, a);
        assertThat(commands().list(null, null, "q1", 1)).extracting(Job::id).containsExactly(b);

        JobCommands.Detail d = commands().show(b).orElseThrow();
        assertThat(d.job().attempt()).isEqualTo(1);
        assertThat(d.history()).singleElement().satisfies(e -> {
            assertThat(e.error()).isEqualTo("smtp said no");
            assertThat(e.version()).isEqualTo("v7");
            assertThat(e.outcome()).isEqualTo("failed");
            assertThat(e.attempt()).isEqualTo(1);
        });
        assertThat(commands().show(999_999L)).isEmpty();
    }

    @Test
    void lastMinuteCountsWhatFinishedByKindAndQueue() {
        queue.enqueue(JobRequest.of("mail", "{}"));
        queue.enqueue(JobRequest.of("mail", "{}"));
        long dead = queue.enqueue(JobRequest.of("mail", "{}")).id();
        commands().discard(List.of(dead), "by hand");
        queue.claim(claimOf(WORKER, "mail")).forEach(queue::complete);

        assertThat(commands().lastMinute()).containsExactly(new JobCommands.Throughput("mail", "default", 2, 1));
        clock.advance(java.time.Duration.ofMinutes(2));
        assertThat(commands().lastMinute()).isEmpty();
    }
}
