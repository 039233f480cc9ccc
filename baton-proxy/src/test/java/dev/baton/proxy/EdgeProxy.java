package dev.baton.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A started proxy on one event loop (so every client shares one backend connection pool) without
 * active health checks (backends are READY at once), with {@link RecordingBackend}s, and a raw
 * socket client that reads one response at a time. Closes all of it.
 */
final class EdgeProxy implements AutoCloseable {

    final BatonProxy proxy;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    EdgeProxy() throws InterruptedException {
        this(ProxyConfig.builder());
    }

    EdgeProxy(ProxyConfig.Builder config) throws InterruptedException {
        proxy = new BatonProxy(config.ioThreads(1).healthCheck(null).build()).start();
    }

    RecordingBackend backend(String name) throws IOException {
        RecordingBackend b = new RecordingBackend(name);
        closeables.add(b);
        return b;
    }

    /** A recording backend that gets all the traffic (version v1, the only one). */
    RecordingBackend onlyBackend(String name) throws IOException {
        RecordingBackend b = backend(name);
        proxy.setRouteTable(RouteTable.single("v1", List.of(b.id())));
        return b;
    }

    /** A keep-alive client connection to the traffic port. */
    Conn connect() throws IOException {
        return connect(proxy.port());
    }

    Conn connect(int port) throws IOException {
        Conn c = new Conn(new Socket("127.0.0.1", port));
        closeables.add(c);
        return c;
    }

    /** Sends {@code raw} on a new connection and returns the first response. */
    String exchange(String raw) throws IOException {
        try (Conn c = connect()) {
            c.send(raw);
            return c.response();
        }
    }

    @Override
    public void close() {
        proxy.close();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // teardown goes on
            }
        }
    }

    /** One client connection; reads responses framed by Content-Length (what the proxy's errors and the backends use). */
    static final class Conn implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void send(String raw) throws IOException {
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** The next response, head and body; an interim 1xx response counts as one. Empty when the connection closed. */
        String response() throws IOException {
            return RawHttp.readResponse(in);
        }

        /** The head of the next response, without reading any body. */
        String head() throws IOException {
            StringBuilder head = new StringBuilder();
            int c;
            while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) != -1) {
                head.append((char) c);
            }
            return head.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
