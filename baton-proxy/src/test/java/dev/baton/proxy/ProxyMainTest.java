package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyMainTest {

    @TempDir
    Path dir;

    @Test
    void restartedProxyRestoresItsLastRouteTableFromTheStateFile() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef-token\n");
        Path state = dir.resolve("state/routes.json");
        Map<String, String> opts = ProxyMain.options(new String[] {"--listen", "127.0.0.1:0", "--admin",
                "127.0.0.1:0", "--token-file", token.toString(), "--state-file", state.toString()}, Map.of());
        RouteTable table = new RouteTable(List.of(new VersionRoute("v1", 30, List.of("127.0.0.1:7001")),
                new VersionRoute("v2", 70, List.of("127.0.0.1:7002"))), true);

        ProxyMain.Running first = ProxyMain.start(opts);
        try {
            first.proxy().setRouteTable(table);
        } finally {
            first.close(java.time.Duration.ZERO);
        }
        assertThat(Files.list(state.getParent()).map(p -> p.getFileName().toString())).containsExactly("routes.json");

        ProxyMain.Running second = ProxyMain.start(opts);
        try {
            assertThat(second.proxy().routeTable()).isEqualTo(table);
        } finally {
            second.close(java.time.Duration.ZERO);
        }
    }

    @Test
    void aRouteTableThatCannotBePersistedIsNotMadeLiveAndTheAdminApiSaysWhy() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef-token\n");
        Path state = dir.resolve("state/routes.json");
        Map<String, String> opts = ProxyMain.options(new String[] {"--listen", "127.0.0.1:0", "--admin",
                "127.0.0.1:0", "--token-file", token.toString(), "--state-file", state.toString()}, Map.of());
        RouteTable old = RouteTable.single("v1", List.of("127.0.0.1:7001"));
        ProxyMain.Running running = ProxyMain.start(opts);
        try {
            running.proxy().setRouteTable(old);
            Files.createDirectories(dir.resolve("state/routes.json.tmp")); // the next write cannot create its file

            var client = java.net.http.HttpClient.newHttpClient();
            var res = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + running.admin().port() + "/v1/routes"))
                    .header("Authorization", "Bearer 0123456789abcdef-token")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"versions\":[{\"name\":\"v2\",\"weight\":100,\"backends\":[\"127.0.0.1:7002\"]}]}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(res.statusCode()).isEqualTo(500);
            assertThat(res.body()).contains("not applied").contains("routes.json");
            assertThat(running.proxy().routeTable()).isEqualTo(old);
            assertThat(new RouteTableStore(state).load()).hasValue(old);
        } finally {
            running.close(java.time.Duration.ZERO);
        }
    }

    @Test
    void refusesToStartWithoutAnAdminToken() {
        assertThatThrownBy(() -> ProxyMain.options(new String[] {"--listen", "127.0.0.1:0"}, Map.of()))
                .hasMessageContaining("--token-file");
        assertThatThrownBy(() -> ProxyMain.options(new String[] {"--listen", "nope", "--token-file", "t"}, Map.of()))
                .hasMessageContaining("--listen");
    }

    @Test
    void ioThreadsOptionSetsTheEventLoopCountAndRejectsCountsOutOfRange() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef-token\n");
        assertThatThrownBy(() -> ProxyMain.options(new String[] {"--listen", "127.0.0.1:0", "--token-file",
                token.toString(), "--io-threads", "0"}, Map.of()))
                .hasMessageContaining("--io-threads").hasMessageContaining("1-1024");
        assertThatThrownBy(() -> ProxyMain.options(new String[] {"--listen", "127.0.0.1:0", "--token-file",
                token.toString()}, Map.of("BATON_PROXY_IO_THREADS", "many")))
                .hasMessageContaining("--io-threads");

        Map<String, String> opts = ProxyMain.options(new String[] {"--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--token-file", token.toString(), "--io-threads", "3"}, Map.of());
        ProxyMain.Running running = ProxyMain.start(opts);
        try {
            assertThat(running.proxy().config().ioThreads()).isEqualTo(3);
        } finally {
            running.close(java.time.Duration.ZERO);
        }
    }

    @Test
    void healthPathOptionSetsTheActiveCheckPathAndRejectsARelativeOne() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef-token\n");
        assertThatThrownBy(() -> ProxyMain.options(new String[] {"--listen", "127.0.0.1:0", "--token-file",
                token.toString(), "--health-path", "health/ready"}, Map.of()))
                .hasMessageContaining("--health-path").hasMessageContaining("must start with '/'");

        Map<String, String> opts = ProxyMain.options(new String[] {"--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--token-file", token.toString()}, Map.of("BATON_PROXY_HEALTH_PATH", "/health/ready"));
        ProxyMain.Running running = ProxyMain.start(opts);
        try {
            assertThat(running.proxy().config().healthCheck().path()).isEqualTo("/health/ready");
        } finally {
            running.close(java.time.Duration.ZERO);
        }
    }
}
