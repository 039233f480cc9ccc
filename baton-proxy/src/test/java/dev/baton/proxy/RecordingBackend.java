package dev.baton.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend on plain blocking sockets that parses exactly what the proxy sends it, as an HTTP/1.1
 * server would (Content-Length or chunked framing, several requests per connection), and records
 * every request with its raw bytes. It answers each request with its own name and the target it
 * read, so a client can tell which request its response belongs to. Health checks ({@code /health})
 * are answered and not recorded.
 */
final class RecordingBackend implements AutoCloseable {

    /** What the backend does with a request once it has read it whole. */
    enum Mode {
        /** Answer 200 with "name target". */
        RESPOND,
        /** Read a POST whole, then reset the connection, as a process killed at that moment would. */
        RESET_AFTER_POST
    }

    /** One request as the backend read it. */
    record Received(int connection, String method, String target, Map<String, List<String>> headers, String body,
                    String raw) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : String.join(", ", v);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    final String name;
    private final ServerSocket server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.RESPOND;
    private int connections;

    RecordingBackend(String name) throws IOException {
        this.name = name;
        server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("recording-backend-" + name).start(this::acceptLoop);
    }

    String id() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    void mode(Mode m) {
        mode = m;
    }

    /** Every request read so far, in order. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** How many requests carried this {@code X-Request-Id}. */
    long count(String requestId) {
        return received.stream().filter(r -> requestId.equals(r.header("x-request-id"))).count();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int n;
                synchronized (this) {
                    n = ++connections;
                }
                Thread.ofVirtual().start(() -> serve(s, n));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                String requestLine = line(in, raw);
                if (requestLine == null) {
                    return;
                }
                Map<String, List<String>> headers = new LinkedHashMap<>();
                String l;
                while ((l = line(in, raw)) != null && !l.isEmpty()) {
                    int colon = l.indexOf(':');
                    headers.computeIfAbsent(l.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>()).add(l.substring(colon + 1).strip());
                }
                String body = body(in, raw, headers);
                String[] parts = requestLine.split(" ");
                Received r = new Received(connection, parts[0], parts.length > 1 ? parts[1] : "", headers, body,
                        raw.toString(StandardCharsets.ISO_8859_1));
                if (r.target().equals("/health")) {
                    respond(out, "ok");
                    continue;
                }
                received.add(r);
                if (mode == Mode.RESET_AFTER_POST && r.method().equals("POST")) {
                    s.setSoLinger(true, 0);
                    return; // closing with linger 0 sends RST
                }
                respond(out, name + " " + r.target());
            }
        } catch (IOException | RuntimeException e) {
            // the proxy closed the connection, or sent something this parser cannot read: both end it
        }
    }

    private static String body(InputStream in, ByteArrayOutputStream raw, Map<String, List<String>> headers)
            throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> te = headers.get("transfer-encoding");
        if (te != null && te.getLast().equalsIgnoreCase("chunked")) {
            while (true) {
                String size = line(in, raw);
                int n = Integer.parseInt(size.split(";")[0].strip(), 16);
                if (n == 0) {
                    String trailer;
                    while ((trailer = line(in, raw)) != null && !trailer.isEmpty()) {
                        // trailers are read and ignored
                    }
                    break;
                }
                body.write(read(in, raw, n));
                line(in, raw);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(read(in, raw, Integer.parseInt(headers.get("content-length").getFirst())));
        }
        return body.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] read(InputStream in, ByteArrayOutputStream raw, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        raw.write(b);
        if (b.length < n) {
            throw new IOException("connection closed inside a body");
        }
        return b;
    }

    /** A CRLF-terminated line without its CRLF, or null at the end of the stream. */
    private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            raw.write(c);
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private static void respond(OutputStream out, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
