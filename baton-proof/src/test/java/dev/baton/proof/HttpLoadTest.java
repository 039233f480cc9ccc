package dev.baton.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HttpLoad against real local servers on port 0. */
class HttpLoadTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private volatile long stallUntilNanos;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private HttpServer server() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", this::answer);
        s.start();
        cleanup.add(() -> s.stop(0));
        return s;
    }

    private void answer(HttpExchange ex) throws IOException {
        try (ex) {
            long wait;
            while ((wait = stallUntilNanos - System.nanoTime()) > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            ex.getResponseHeaders().set("X-Request-Id", ex.getRequestHeaders().getFirst("X-Request-Id"));
            ex.getResponseHeaders().set("X-Baton-Version", "v1");
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("ok".getBytes());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static URI uri(HttpServer s) {
        return URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/hello");
    }

    private HttpLoad start(HttpLoadConfig config) {
        HttpLoad load = HttpLoad.start(config.withProgressEvery(Duration.ZERO), null);
        cleanup.add(load::stop);
        return load;
    }

    @Test
    void fixedRateSendsOnAnExactTimelineAndEveryRequestIsAnsweredWithItsOwnId() throws Exception {
        HttpLoad load = start(HttpLoadConfig.of(uri(server()), 200).withIdPrefix("t"));
        await().atMost(WAIT).until(() -> load.sent() >= 400);

        HttpLoadResult result = load.stop();

        List<RequestRecord> rs = result.requests();
        assertThat(rs).hasSize((int) result.sent());
        assertThat(result.summary().ok()).isEqualTo(result.sent());
        assertThat(rs.stream().map(RequestRecord::id).collect(Collectors.toSet())).hasSize(rs.size());
        assertThat(rs).allSatisfy(r -> assertThat(r.version()).isEqualTo("v1"));
        assertThat(load.answeredBy("v1")).as("counted live, per version").isEqualTo(result.sent());
        assertThat(load.answeredBy("v2")).isZero();
        for (int i = 0; i < rs.size(); i++) {
            assertThat(rs.get(i).seq()).isEqualTo(i);
            assertThat(rs.get(i).id()).isEqualTo("t-" + i);
            // Due every 5 ms exactly, however late the sender or the server ran.
            assertThat(rs.get(i).intendedNanos() - rs.get(0).intendedNanos()).isEqualTo(i * 5_000_000L);
        }
    }

    @Test
    void aStallingServerShowsAsLatencyFromTheIntendedSendTimeNotAsFewerRequests() throws Exception {
        HttpLoad load = start(HttpLoadConfig.of(uri(server()), 100).withTimeout(Duration.ofSeconds(30)));
        await().atMost(WAIT).until(() -> load.ended(Outcome.OK) >= 50);
        long stallStart = System.nanoTime();
        stallUntilNanos = stallStart + Duration.ofMillis(1500).toNanos();
        await().atMost(WAIT).until(() -> System.nanoTime() > stallUntilNanos && load.ended(Outcome.OK) >= 400);

        HttpLoadResult result = load.stop();

        List<RequestRecord> dueInStall = result.requests().stream()
                .filter(r -> r.intendedNanos() >= stallStart + 50_000_000 && r.intendedNanos() < stallStart + 500_000_000)
                .toList();
        assertThat(dueInStall).as("the timeline kept sending during the stall").hasSizeGreaterThanOrEqualTo(40);
        // Each waited at least until the stall ended, counted from when it was due.
        assertThat(dueInStall).allSatisfy(r -> assertThat(r.latencyNanos())
                .isGreaterThanOrEqualTo(stallUntilNanos - r.intendedNanos()));
        assertThat(result.summary().maxMs()).isGreaterThanOrEqualTo(1000.0);
        assertThat(result.summary().failed() + result.summary().unknown()).isZero();
    }

    @Test
    void aServerStoppedMidRunYieldsClassifiedFailuresAndNoRequestIsDropped() throws Exception {
        HttpServer s = server();
        HttpLoad load = start(HttpLoadConfig.of(uri(s), 100).withTimeout(Duration.ofSeconds(2)));
        await().atMost(WAIT).until(() -> load.ended(Outcome.OK) >= 50);
        s.stop(0);
        await().atMost(WAIT).until(() -> load.ended(Outcome.FAILED) >= 50);

        HttpLoadResult result = load.stop();

        RequestSummary sum = result.summary();
        assertThat(sum.sent()).isEqualTo(result.requests().size()).isEqualTo(sum.ok() + sum.failed() + sum.unknown());
        assertThat(sum.ok()).isGreaterThanOrEqualTo(50);
        assertThat(result.notOk()).allSatisfy(r -> assertThat(r.reason()).isNotBlank());
        Set<String> reasons = result.notOk().stream().map(RequestRecord::reason).collect(Collectors.toSet());
        assertThat(reasons).anyMatch(r -> r.startsWith("connection refused"));
    }

    @Test
    void aServerThatNeverAnswersYieldsUnknownAfterTheTimeout() throws Exception {
        ServerSocket silent = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket socket = silent.accept();
                    synchronized (accepted) {
                        accepted.add(socket);
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        cleanup.add(() -> {
            silent.close();
            acceptor.join();
            synchronized (accepted) {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        });
        HttpLoad load = start(HttpLoadConfig.of(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"), 20)
                .withTimeout(Duration.ofMillis(300)));
        await().atMost(WAIT).until(() -> load.ended(Outcome.UNKNOWN) >= 10);

        HttpLoadResult result = load.stop();

        assertThat(result.summary().unknown()).isEqualTo(result.sent());
        // The client's timer is coarse and may fire a few milliseconds early.
        assertThat(result.requests()).allSatisfy(r -> assertThat(r.latencyNanos())
                .isGreaterThanOrEqualTo(Duration.ofMillis(250).toNanos()));
        assertThat(result.requests()).allSatisfy(r -> assertThat(r.reason()).isIn("timed out",
                "no answer when the load stopped"));
    }

    @Test
    void requestsDueInsideADeployWindowAreSummarisedApartFromTheOthers() throws Exception {
        HttpLoad load = start(HttpLoadConfig.of(uri(server()), 100));
        await().atMost(WAIT).until(() -> load.sent() >= 50);
        DeployWindow.Open open = load.beginDeploy("rolling v2");
        await().atMost(WAIT).until(() -> load.sent() >= 150);
        DeployWindow window = open.end();
        await().atMost(WAIT).until(() -> load.sent() >= 200);

        HttpLoadResult result = load.stop();

        assertThat(result.windows()).containsExactly(window);
        RequestSummary during = result.summary(window);
        assertThat(during.sent()).isEqualTo(result.during(window).size()).isBetween(1L, result.sent() - 50);
        assertThat(during.p50OutsideMs()).as("nothing outside a slice of one window").isNull();
        RequestSummary all = result.summary();
        assertThat(all.p50DuringMs()).isNotNull();
        assertThat(all.p50OutsideMs()).isNotNull();
    }
}
