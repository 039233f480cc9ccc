package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ProxyMain} as its own process, run as the docs show: with the runtime classpath and nothing else. */
class ProxyProcessTest {

    private static final Pattern READY = Pattern.compile("baton-proxy listening traffic=\\S+:(\\d+) admin=\\S+:(\\d+)");

    @TempDir
    Path dir;
    Process proxy;

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.destroyForcibly();
        }
    }

    @Test
    void logsAtInfoAndAFloodOfMalformedRequestsAddsOnlyAFewRateLimitedLines() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef-token\n");
        Path log = dir.resolve("proxy.log");
        // The runtime classpath, as the launcher builds it: no test classes, so no test logging configuration.
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.contains("test-classes")).collect(Collectors.joining(File.pathSeparator));
        proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "dev.baton.proxy.ProxyMain", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--token-file", token.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> READY.matcher(Files.readString(log)).find());
        Matcher m = READY.matcher(Files.readString(log));
        assertThat(m.find()).isTrue();
        int port = Integer.parseInt(m.group(1));

        for (int i = 0; i < 200; i++) {
            RawHttp.exchange(port, i % 2 == 0 ? "GARBAGE " + i + "\r\n\r\n" : "GET /x HTTP/1.1\r\n\r\n");
        }
        long before = Files.size(log);
        proxy.destroy();
        proxy.waitFor();

        List<String> lines = Files.readAllLines(log);
        assertThat(lines).noneMatch(l -> l.contains(" DEBUG ") || l.contains(" TRACE "));
        assertThat(lines).anyMatch(l -> l.contains(" INFO ") && l.contains("proxy listening"));
        assertThat(lines.stream().filter(l -> l.contains(" WARN "))).as("warnings for 200 bad requests").hasSizeLessThanOrEqualTo(3);
        assertThat(before).as("bytes logged").isLessThan(8 * 1024);
    }
}
