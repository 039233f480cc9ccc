package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness a Kubernetes probe reads ({@code GET /ready} on the admin port, no token): a real ProxyMain process is
 * not ready until it holds a route table, pushed or restored from its state file.
 */
@Tag("process")
class ProxyReadinessProcessTest {
    private static final Pattern LISTENING = Pattern.compile("baton-proxy listening traffic=\\S+:(\\d+) admin=\\S+:(\\d+)");
    private static final String TOKEN = "0123456789abcdef-token";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void tearDown() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void notReadyUntilARouteTableIsPushedThenReadyAndTheProbeNeedsNoTokenButTellsNothingElse() throws Exception {
        int admin = start(List.of());

        HttpResponse<String> before = get(admin, "/ready", null);
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.body()).isEqualTo("{\"ready\":false}");
        assertThat(get(admin, "/v1/state", null).statusCode()).as("other endpoints still need the token").isEqualTo(401);

        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/v1/routes"))
                .header("Authorization", "Bearer " + TOKEN).PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"versions\":[{\"name\":\"v1\",\"weight\":100,\"backends\":[\"127.0.0.1:1\"]}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        HttpResponse<String> after = get(admin, "/ready", null);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo("{\"ready\":true}");
    }

    @Test
    void aProxyThatRestoresItsTableFromItsStateFileIsReadyAtOnce() throws Exception {
        Path state = dir.resolve("routes.json");
        int first = start(List.of("--state-file", state.toString()));
        assertThat(get(first, "/ready", null).statusCode()).isEqualTo(503);
        HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + first + "/v1/routes"))
                .header("Authorization", "Bearer " + TOKEN).PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"versions\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
        started.getFirst().destroy();
        started.getFirst().waitFor();

        int second = start(List.of("--state-file", state.toString()));

        assertThat(get(second, "/ready", null).statusCode()).isEqualTo(200);
    }

    /** Starts ProxyMain with the runtime classpath; returns its admin port once it says it listens. */
    private int start(List<String> extra) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Path log = Files.createTempFile(dir, "proxy", ".log");
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.contains("test-classes")).collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "dev.baton.proxy.ProxyMain", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--token-file", token.toString()));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        await().atMost(Duration.ofSeconds(30)).until(() -> LISTENING.matcher(Files.readString(log)).find());
        Matcher m = LISTENING.matcher(Files.readString(log));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(2));
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
