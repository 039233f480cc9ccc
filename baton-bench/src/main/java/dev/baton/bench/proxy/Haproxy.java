package dev.baton.bench.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy as the baseline, configured like Baton: HTTP mode, keep-alive on both sides with
 * connection reuse, one thread per core, one backend server.
 */
final class Haproxy implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path config;

    Haproxy(int backendPort, int threads) throws IOException, InterruptedException {
        port = freePort();
        config = Files.createTempFile("baton-bench-haproxy", ".cfg");
        Files.writeString(config, configText(port, backendPort, threads));
        process = new ProcessBuilder("haproxy", "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IOException("haproxy did not start (config " + config + ")");
            }
            Thread.sleep(20); // polling a child process's readiness
        }
    }

    static String configText(int port, int backendPort, int threads) {
        return """
                global
                  nbthread %d
                  maxconn 4096
                defaults
                  mode http
                  timeout connect 2s
                  timeout client 30s
                  timeout server 30s
                  option http-keep-alive
                  http-reuse always
                frontend traffic
                  bind 127.0.0.1:%d
                  default_backend app
                backend app
                  server app1 127.0.0.1:%d
                """.formatted(threads, port, backendPort);
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    static String version() {
        try {
            Process p = new ProcessBuilder("haproxy", "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("haproxy");
            p.waitFor();
            return out.trim();
        } catch (IOException | InterruptedException e) {
            return "haproxy (version unknown)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(config);
    }
}
