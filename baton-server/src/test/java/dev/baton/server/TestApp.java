package dev.baton.server;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A tiny instance app for the control plane's process tests, which starts in a fraction of baton-sample's time and
 * needs no database: answers {@code /} with its version (in the body and as {@code X-Baton-Version}),
 * {@code /health} and {@code /health/ready} with 200, and on SIGTERM stops accepting and lets the
 * requests in flight finish. {@code TEST_APP_START_DELAY_MS} delays readiness (a slow start). With
 * {@code --crash-if FILE} it exits at once with code 3 while that file exists (a crash loop a test can end).
 *
 * <pre>java -cp … dev.baton.server.TestApp --port N --version V [--tag anything] [--crash-if FILE]</pre>
 */
public final class TestApp {

    /**
     * The spec's {@code run} line for a TestApp tagged with {@code tag} (so a test finds every process it started);
     * {@code extraArgs} go after the standard ones.
     */
    static String run(Path tag, String extraArgs) {
        return ProxyProcess.javaBinary() + " -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "
                + Path.of("target/test-classes").toAbsolutePath() + " dev.baton.server.TestApp --port {port} --version {version} --tag "
                + tag + (extraArgs.isEmpty() ? "" : " " + extraArgs);
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        String version = "?";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--version" -> version = args[i + 1];
                case "--crash-if" -> {
                    if (java.nio.file.Files.exists(java.nio.file.Path.of(args[i + 1]))) {
                        System.out.println("test app " + version + ": " + args[i + 1] + " exists, exiting with code 3");
                        System.exit(3);
                    }
                }
                default -> { }
            }
        }
        String v = version;
        long delay = Long.parseLong(System.getenv().getOrDefault("TEST_APP_START_DELAY_MS", "0"));
        long readyAt = System.currentTimeMillis() + delay;
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        byte[] body = ("hello from " + version + " " + System.getenv("BATON_PORT") + "\n").getBytes(StandardCharsets.UTF_8);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("X-Baton-Version", v);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/health", ex -> {
            int status = System.currentTimeMillis() >= readyAt ? 200 : 503;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        System.out.println("test app " + version + " on port " + port + " db=" + (System.getenv("BATON_DATABASE_URL") != null));
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(2);
            System.out.println("test app " + v + " stopped");
            done.countDown();
        }));
        done.await();
    }

    private TestApp() {}

}
