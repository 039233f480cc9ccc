package dev.baton.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ListenerTest extends QueueTestSupport {

    @Test
    void listenerWakesOnEnqueueWithTheJobsKind() throws Exception {
        List<String> woken = new CopyOnWriteArrayList<>();
        try (JobListener listener = (JobListener) queue.listen(woken::add)) {
            await().atMost(Duration.ofSeconds(30)).until(listener::listening);

            queue.enqueue(JobRequest.of("email", "{}"));
            queue.enqueueAll(List.of(JobRequest.of("sms", "{}"), JobRequest.of("sms", "{}")));

            await().atMost(Duration.ofSeconds(30)).until(() -> woken.containsAll(List.of("email", "sms")));
        }
    }

    @Test
    void listenerHearsNothingFromARolledBackEnqueue() throws Exception {
        List<String> woken = new CopyOnWriteArrayList<>();
        try (JobListener listener = (JobListener) queue.listen(woken::add)) {
            await().atMost(Duration.ofSeconds(30)).until(listener::listening);
            try (Connection tx = ds.getConnection()) {
                tx.setAutoCommit(false);
                queue.enqueue(tx, JobRequest.of("ghost", "{}"));
                tx.rollback();
            }
            queue.enqueue(JobRequest.of("real", "{}"));
            await().atMost(Duration.ofSeconds(30)).until(() -> woken.contains("real"));
            assertThat(woken).doesNotContain("ghost");
        }
    }

    @Test
    void aFailingCallbackDoesNotStopTheListener() throws Exception {
        List<String> woken = new CopyOnWriteArrayList<>();
        try (JobListener listener = (JobListener) queue.listen(kind -> {
            woken.add(kind);
            if (kind.equals("poison")) {
                throw new IllegalStateException("handler bug");
            }
        })) {
            await().atMost(Duration.ofSeconds(30)).until(listener::listening);
            queue.enqueue(JobRequest.of("poison", "{}"));
            await().atMost(Duration.ofSeconds(30)).until(() -> woken.contains("poison"));
            queue.enqueue(JobRequest.of("after", "{}"));
            await().atMost(Duration.ofSeconds(30)).until(() -> woken.contains("after"));
            assertThat(listener.failures()).isEqualTo(1);
        }
    }

    @Test
    void aScheduledJobDoesNotWakeListeners() throws Exception {
        List<String> woken = new CopyOnWriteArrayList<>();
        try (JobListener listener = (JobListener) queue.listen(woken::add)) {
            await().atMost(Duration.ofSeconds(30)).until(listener::listening);
            queue.enqueue(JobRequest.of("later", "{}").withRunAt(clock.instant().plusSeconds(60)));
            queue.enqueue(JobRequest.of("now", "{}"));
            await().atMost(Duration.ofSeconds(30)).until(() -> woken.contains("now"));
            assertThat(woken).doesNotContain("later");
        }
    }

    @Test
    void listenerReconnectsAfterItsConnectionIsKilled() throws Exception {
        List<String> woken = new CopyOnWriteArrayList<>();
        try (JobListener listener = (JobListener) queue.listen(woken::add)) {
            await().atMost(Duration.ofSeconds(30)).until(listener::listening);
            try (Connection c = ds.getConnection(); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT pg_terminate_backend(" + listener.backendPid() + ")")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.failures() >= 1 && listener.listening());

            queue.enqueue(JobRequest.of("after-reconnect", "{}"));
            await().atMost(Duration.ofSeconds(30)).until(() -> woken.contains("after-reconnect"));
        }
    }
}
