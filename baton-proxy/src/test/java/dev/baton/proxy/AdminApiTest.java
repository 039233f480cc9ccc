package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminApiTest {

    static final String TOKEN = "test-token-0123456789";

    ProxyFixture f;
    AdminServer admin;
    TestBackend blue;
    TestBackend green;

    @BeforeEach
    void setUp() throws Exception {
        f = new ProxyFixture();
        admin = new AdminServer(f.proxy, new InetSocketAddress("127.0.0.1", 0), TOKEN).start();
        blue = f.backend("blue");
        green = f.backend("green");
    }

    @AfterEach
    void tearDown() {
        admin.close();
        f.close();
    }

    HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return f.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
        return call(method, path, body, TOKEN);
    }

    String table(int blueWeight, int greenWeight) {
        return """
                {"versions":[{"name":"v1","weight":%d,"backends":["%s"]},
                             {"name":"v2","weight":%d,"backends":["%s"]}],"sticky":false}
                """.formatted(blueWeight, blue.id(), greenWeight, green.id());
    }

    @Test
    void everyEndpointRequiresTheBearerToken() throws Exception {
        assertThat(call("GET", "/v1/state", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/metrics", null, "wrong-token-0123456789").statusCode()).isEqualTo(401);
        assertThat(call("PUT", "/v1/routes", table(100, 0), null).statusCode()).isEqualTo(401);
        assertThat(f.proxy.routeTable()).isEqualTo(RouteTable.EMPTY);
    }

    @Test
    void aCallFromAnOlderLeaderTermIsRefusedWholeOnceANewerTermSteersTheProxy() throws Exception {
        assertThat(call("PUT", "/v1/routes?term=7", table(100, 0)).statusCode()).isEqualTo(200);

        HttpResponse<String> stale = call("PUT", "/v1/routes?term=6", table(0, 100));
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("term: 6 is older than term 7");
        assertThat(call("PUT", "/v1/weights?term=6", "{\"v1\":0,\"v2\":100}").statusCode()).isEqualTo(409);
        assertThat(call("POST", "/v1/backends/" + blue.id() + "/drain?term=6", null).statusCode()).isEqualTo(409);
        assertThat(f.proxy.routeTable().versions().getFirst().weight()).as("unchanged by the stale calls").isEqualTo(100);
        assertThat(f.proxy.backend(blue.id()).orElseThrow().state()).isNotEqualTo(BackendState.DRAINING);

        assertThat(call("PUT", "/v1/weights?term=8", "{\"v1\":0,\"v2\":100}").statusCode()).isEqualTo(200);
        assertThat(call("PUT", "/v1/routes", table(50, 50)).statusCode()).as("no term: not checked").isEqualTo(200);
        assertThat(AdminApi.JSON.readTree(call("GET", "/v1/state", null).body()).path("term").asLong()).isEqualTo(8);
        assertThat(call("PUT", "/v1/routes?term=x", table(100, 0)).body()).contains("term: must be a positive");
    }

    @Test
    void setsTheRouteTableThenWeightsAndTrafficFollows() throws Exception {
        assertThat(call("PUT", "/v1/routes", table(100, 0)).statusCode()).isEqualTo(200);
        f.awaitState(blue.id(), BackendState.READY);
        f.awaitState(green.id(), BackendState.READY);
        assertThat(f.get("/").body()).isEqualTo("blue");

        HttpResponse<String> res = call("PUT", "/v1/weights", "{\"v1\":0,\"v2\":100}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(f.get("/").body()).isEqualTo("green");

        JsonNode state = AdminApi.JSON.readTree(call("GET", "/v1/state", null).body());
        assertThat(state.at("/routeTable/versions/1/weight").asInt()).isEqualTo(100);
        assertThat(state.at("/metrics/v2/requests").asLong()).isEqualTo(1);
        assertThat(state.at("/metrics/v2/responses2xx").asLong()).isEqualTo(1);
        assertThat(state.at("/backends").size()).isEqualTo(2);
    }

    @Test
    void invalidInputIs400NamingTheFieldAndLeavesTheLiveTableUnchanged() throws Exception {
        call("PUT", "/v1/routes", table(100, 0));
        RouteTable live = f.proxy.routeTable();

        HttpResponse<String> weight = call("PUT", "/v1/weights", "{\"v1\":120}");
        assertThat(weight.statusCode()).isEqualTo(400);
        assertThat(weight.body()).contains("weights.v1").contains("between 0 and 100");

        HttpResponse<String> unknown = call("PUT", "/v1/weights", "{\"v9\":10}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("weights.v9").contains("unknown version");

        HttpResponse<String> sum = call("PUT", "/v1/routes", table(60, 60));
        assertThat(sum.statusCode()).isEqualTo(400);
        assertThat(sum.body()).contains("weight").contains("add up to 100");

        HttpResponse<String> malformed = call("PUT", "/v1/routes", "{\"versions\":[");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("invalid JSON");

        HttpResponse<String> badBackend = call("PUT", "/v1/routes",
                "{\"versions\":[{\"name\":\"v1\",\"weight\":100,\"backends\":[\"nohost\"]}]}");
        assertThat(badBackend.statusCode()).isEqualTo(400);
        assertThat(badBackend.body()).contains("backends[0]");

        HttpResponse<String> drainUnknown = call("POST", "/v1/backends/127.0.0.1:1/drain", "{}");
        assertThat(drainUnknown.statusCode()).isEqualTo(400);
        assertThat(drainUnknown.body()).contains("backend").contains("unknown backend");

        assertThat(f.proxy.routeTable()).isEqualTo(live);
    }

    @Test
    void drainsABackendAndReportsWhenItIsIdle() throws Exception {
        call("PUT", "/v1/routes", table(100, 0));
        f.awaitState(blue.id(), BackendState.READY);

        HttpResponse<String> drain = call("POST", "/v1/backends/" + blue.id() + "/drain", "{\"timeoutMs\":5000}");
        assertThat(drain.statusCode()).isEqualTo(202);
        assertThat(drain.body()).containsAnyOf("\"state\":\"DRAINING\"", "\"state\":\"STOPPED\"");

        HttpResponse<String> idle = call("GET", "/v1/backends/" + blue.id() + "/idle?waitMs=5000", null);
        assertThat(idle.statusCode()).isEqualTo(200);
        assertThat(AdminApi.JSON.readTree(idle.body()).get("idle").asBoolean()).isTrue();
        f.awaitState(blue.id(), BackendState.STOPPED);
    }

    @Test
    void prometheusMetricsListEveryVersion() throws Exception {
        call("PUT", "/v1/routes", table(100, 0));
        f.awaitState(blue.id(), BackendState.READY);
        f.get("/");

        HttpResponse<String> res = call("GET", "/metrics", null);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(res.body()).contains("baton_proxy_requests_total{version=\"v1\"} 1")
                .contains("baton_proxy_responses_total{version=\"v1\",class=\"2xx\"} 1")
                .contains("baton_proxy_requests_total{version=\"v2\"} 0")
                .contains("baton_proxy_request_duration_seconds_bucket{version=\"v1\",le=\"+Inf\"} 1")
                .contains("baton_proxy_request_duration_seconds_count{version=\"v1\"} 1")
                .doesNotContain("quantile=");
    }
}
