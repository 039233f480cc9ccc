package dev.baton.bench.proxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Baton as it runs in production: {@code dev.baton.proxy.ProxyMain} in its own JVM, its route table
 * set through the token-protected admin API, default health checks on (the backend is used once
 * they find it READY).
 */
final class BatonProcess implements AutoCloseable {

    private final JavaChild child;
    private final Path tokenFile;
    private final int port;

    BatonProcess(int backendPort, int ioThreads, List<String> jvmOptions) throws IOException, InterruptedException {
        String token = UUID.randomUUID().toString();
        tokenFile = Files.createTempFile("baton-bench-proxy", ".token");
        Files.writeString(tokenFile, token);
        JavaChild started = null;
        try {
            started = JavaChild.start("baton-proxy", jvmOptions, "dev.baton.proxy.ProxyMain",
                    List.of("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--token-file", tokenFile.toString(),
                            "--io-threads", String.valueOf(ioThreads)), "baton-proxy listening");
            port = Integer.parseInt(after(started.readyValue("traffic"), ':'));
            String admin = "http://" + started.readyValue("admin");
            String backend = "127.0.0.1:" + backendPort;
            HttpClient http = HttpClient.newHttpClient();
            send(http, HttpRequest.newBuilder(URI.create(admin + "/v1/routes")).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(5)).PUT(HttpRequest.BodyPublishers.ofString("{\"versions\":[{\"name\":\"bench\",\"weight\":100,"
                            + "\"backends\":[\"" + backend + "\"]}]}")).build());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!send(http, HttpRequest.newBuilder(URI.create(admin + "/v1/backends/" + backend))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).GET().build()).contains("\"READY\"")) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("backend " + backend + " did not become READY in Baton");
                }
                Thread.sleep(100); // polling the child's health checks
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (started != null) {
                started.close();
            }
            Files.deleteIfExists(tokenFile);
            throw e;
        }
        child = started;
    }

    int port() {
        return port;
    }

    long pid() {
        return child.pid();
    }

    private static String send(HttpClient http, HttpRequest req) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException(req.method() + " " + req.uri() + " answered " + res.statusCode() + ": " + res.body());
        }
        return res.body();
    }

    private static String after(String s, char c) {
        return s.substring(s.lastIndexOf(c) + 1);
    }

    @Override
    public void close() throws IOException {
        child.close();
        Files.deleteIfExists(tokenFile);
    }
}
