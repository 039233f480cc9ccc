package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend that read a whole request and then died (SIGKILL mid-request) may have acted on it:
 * such a request is sent to another backend only when it is safe to run twice.
 */
class ReplaySafetyTest {

    EdgeProxy edge;
    RecordingBackend dying;
    RecordingBackend healthy;

    /** Two backends of one version; the first reads every POST whole and then resets its connection. */
    @BeforeEach
    void setUp() throws Exception {
        edge = new EdgeProxy();
        dying = edge.backend("dying");
        healthy = edge.backend("healthy");
        dying.mode(RecordingBackend.Mode.RESET_AFTER_POST);
        edge.proxy.setRouteTable(RouteTable.single("v1", List.of(dying.id(), healthy.id())));
    }

    @AfterEach
    void tearDown() {
        edge.close();
    }

    @Test
    void aPostReadWholeByABackendThatThenResetsReachesNoOtherBackendEvenOnAReusedConnection() throws Exception {
        EdgeProxy.Conn client = edge.connect();
        int reachedDying = 0;
        int onReused = 0;

        for (int i = 0; i < 10; i++) {
            // Warm both pools with GETs, so the POST goes out on a reused keep-alive connection.
            for (int g = 0; g < 2; g++) {
                client.send("GET /warm HTTP/1.1\r\nHost: shop\r\n\r\n");
                assertThat(RawHttp.status(client.response())).isEqualTo(200);
            }
            String id = "pay-" + i;
            client.send("POST /pay HTTP/1.1\r\nHost: shop\r\nX-Request-Id: " + id + "\r\nContent-Length: 7\r\n\r\norder-" + i);
            int status = RawHttp.status(client.response());

            assertThat(dying.count(id) + healthy.count(id)).as("backends that received %s", id).isEqualTo(1);
            if (dying.count(id) == 1) {
                reachedDying++;
                assertThat(status).as("a POST the dying backend read").isEqualTo(502);
                if (onReusedConnection(dying, id)) {
                    onReused++;
                }
            } else {
                assertThat(status).isEqualTo(200);
            }
        }
        assertThat(reachedDying).as("POSTs that went to the dying backend").isPositive();
        assertThat(onReused).as("of those, POSTs sent on a reused keep-alive connection").isPositive();
    }

    /** The request came on a connection that had carried an earlier request. */
    private static boolean onReusedConnection(RecordingBackend b, String requestId) {
        List<RecordingBackend.Received> all = b.received();
        for (int i = 0; i < all.size(); i++) {
            if (requestId.equals(all.get(i).header("x-request-id"))) {
                int conn = all.get(i).connection();
                return all.subList(0, i).stream().anyMatch(r -> r.connection() == conn);
            }
        }
        return false;
    }

    @Test
    void aGetOrAPostWithAnIdempotencyKeyIsRetriedOnAnotherBackend() throws Exception {
        EdgeProxy.Conn client = edge.connect();

        for (int i = 0; i < 6; i++) {
            String id = "keyed-" + i;
            client.send("POST /pay HTTP/1.1\r\nHost: shop\r\nIdempotency-Key: " + id + "\r\nX-Request-Id: " + id
                    + "\r\nContent-Length: 2\r\n\r\nok");
            String res = client.response();
            assertThat(RawHttp.status(res)).isEqualTo(200);
            assertThat(res).endsWith("healthy /pay");
            assertThat(healthy.count(id)).isEqualTo(1);
        }
        assertThat(dying.received()).isNotEmpty();
    }
}
