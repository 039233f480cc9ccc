package dev.baton.kube;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's kubelet port (HTTPS on 127.0.0.1), which the API server reaches for {@code pods/log} and
 * {@code pods/portforward}. It serves {@code /portForward/NS/POD?ports=P} itself: the API server passes a client's
 * WebSocket upgrade through to it unchanged, and the JDK's HTTP server cannot take over a connection. Every other
 * request (the log endpoint) is relayed, decrypted, to the agent's plain HTTP server on loopback.
 * <p>
 * The kubelet's WebSocket port-forward protocol ({@code v4.channel.k8s.io}): for the i-th requested port, channel
 * 2i carries data and 2i+1 errors; every binary message starts with its channel's byte; the first message on each
 * channel is the port, two bytes little-endian. The agent connects to the pod's address and the port, as a kubelet
 * connects inside the pod's network namespace; a port nothing listens on gets a message on its error channel. When
 * the pod's side of every port has closed, or the client closes, the WebSocket is closed. SPDY (what kubectl sends)
 * is refused with 400: the Baton command line and fabric8 use WebSockets.
 */
final class KubeletPortForward implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubeletPortForward.class);
    static final String PROTOCOL = "v4.channel.k8s.io";
    private static final int MAX_HEAD = 64 * 1024;

    private final SSLServerSocket server;
    private final InetSocketAddress plain;
    private final BiFunction<String, String, String> podAddress;
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * Listens on 127.0.0.1 with {@code tls}.
     *
     * @param plain the agent's own HTTP server, where every request but a port-forward goes
     * @param podAddress the address of the pod (namespace, name) this agent runs, or null when it runs no such pod
     */
    KubeletPortForward(SSLContext tls, InetSocketAddress plain, BiFunction<String, String, String> podAddress)
            throws IOException {
        this.plain = plain;
        this.podAddress = podAddress;
        this.server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 64,
                InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().name("kubelet-api").daemon(true).start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().name("kubelet-api-conn").start(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    log.warn("kubelet port: accept failed, carrying on: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            Request req = Request.parse(head);
            if (req.path().startsWith("/portForward/")) {
                portForward(req, in, client.getOutputStream());
            } else {
                relay(head, in, client);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("kubelet port: connection ended: {}", e.toString());
        }
    }

    /** The request's head up to and including the blank line, or null if the connection closed first. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            if (head.size() > MAX_HEAD) {
                throw new IOException("a request head longer than " + MAX_HEAD + " bytes");
            }
        }
        return head.toByteArray();
    }

    /** A request's line and headers (names in lower case). */
    record Request(String method, String path, String query, Map<String, String> headers) {
        static Request parse(byte[] head) {
            String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] line = lines[0].split(" ");
            if (line.length < 3) {
                throw new IllegalArgumentException("not an HTTP request line: " + lines[0]);
            }
            URI uri = URI.create(line[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
                }
            }
            return new Request(line[0], uri.getRawPath(), uri.getRawQuery() == null ? "" : uri.getRawQuery(), headers);
        }

        String header(String name) {
            return headers.getOrDefault(name, "");
        }
    }

    /** The ports a port-forward asks for: {@code ports=7070} or {@code ports=80,443}, also repeated. */
    static List<Integer> ports(String query) {
        List<Integer> ports = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.startsWith("ports=") || pair.startsWith("port=")) {
                for (String p : java.net.URLDecoder.decode(pair.substring(pair.indexOf('=') + 1),
                        StandardCharsets.UTF_8).split(",")) {
                    int port = Integer.parseInt(p.trim());
                    if (port < 1 || port > 65535) {
                        throw new IllegalArgumentException("ports: must be 1..65535, got " + port);
                    }
                    ports.add(port);
                }
            }
        }
        return ports;
    }

    /** The first message on each of a port's channels: the channel's byte, then the port, little-endian. */
    static byte[] portHeader(int channel, int port) {
        return new byte[] {(byte) channel, (byte) port, (byte) (port >>> 8)};
    }

    /** A message on {@code channel}: its byte, then {@code length} bytes of {@code data}. */
    static byte[] message(int channel, byte[] data, int length) {
        byte[] m = new byte[length + 1];
        m[0] = (byte) channel;
        System.arraycopy(data, 0, m, 1, length);
        return m;
    }

    private void portForward(Request req, InputStream in, OutputStream out) throws IOException {
        String[] parts = req.path().split("/");
        String ip = parts.length >= 4 ? podAddress.apply(parts[2], parts[3]) : null;
        List<Integer> ports;
        try {
            ports = ports(req.query());
        } catch (IllegalArgumentException e) {
            refuse(out, 400, e.getMessage());
            return;
        }
        if (ip == null) {
            refuse(out, 404, "no pod " + (parts.length >= 4 ? parts[2] + "/" + parts[3] : req.path()) + " on this node");
            return;
        }
        if (ports.isEmpty()) {
            refuse(out, 400, "ports: at least one port is required");
            return;
        }
        boolean websocket = req.header("upgrade").equalsIgnoreCase("websocket");
        boolean v4 = Arrays.stream(req.header("sec-websocket-protocol").split(",")).map(String::trim)
                .anyMatch(PROTOCOL::equals);
        if (!websocket || !v4) {
            refuse(out, 400, "the node agent forwards ports over WebSockets with the " + PROTOCOL
                    + " protocol only (asked: upgrade '" + req.header("upgrade") + "', protocol '"
                    + req.header("sec-websocket-protocol") + "')");
            return;
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WebSocketFrame.accept(req.header("sec-websocket-key")) + "\r\n"
                + "Sec-WebSocket-Protocol: " + PROTOCOL + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        new Session(ip, ports, in, out).run();
    }

    /** One WebSocket: the pod's connections, one per requested port, and the frames both ways. */
    private static final class Session {
        private final String ip;
        private final List<Integer> ports;
        private final InputStream in;
        private final OutputStream out;
        private final Socket[] sockets;
        private int open;
        private boolean closeSent;

        Session(String ip, List<Integer> ports, InputStream in, OutputStream out) {
            this.ip = ip;
            this.ports = ports;
            this.in = in;
            this.out = out;
            this.sockets = new Socket[ports.size()];
        }

        void run() throws IOException {
            try {
                for (int i = 0; i < ports.size(); i++) {
                    send(portHeader(2 * i, ports.get(i)));
                    send(portHeader(2 * i + 1, ports.get(i)));
                }
                for (int i = 0; i < ports.size(); i++) {
                    connect(i);
                }
                readFrames();
            } finally {
                for (Socket s : sockets) {
                    closeQuietly(s);
                }
            }
        }

        /** Connects port i to the pod; a failure goes to its error channel, as a kubelet reports it. */
        private void connect(int i) throws IOException {
            int port = ports.get(i);
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(ip, port), 5_000);
            } catch (IOException e) {
                closeQuietly(s);
                byte[] why = ("error forwarding port " + port + " to pod at " + ip + ": " + e.getMessage())
                        .getBytes(StandardCharsets.UTF_8);
                send(message(2 * i + 1, why, why.length));
                closeWebSocket();
                return;
            }
            synchronized (this) {
                sockets[i] = s;
                open++;
            }
            Thread.ofVirtual().name("port-forward-" + port).start(() -> podToClient(i, s));
        }

        private void podToClient(int i, Socket s) {
            byte[] buf = new byte[8192];
            try {
                InputStream from = s.getInputStream();
                for (int n; (n = from.read(buf)) >= 0; ) {
                    send(message(2 * i, buf, n));
                }
            } catch (IOException e) {
                log.debug("port-forward: pod side of port {} ended: {}", ports.get(i), e.toString());
            }
            boolean last;
            synchronized (this) {
                last = --open == 0;
            }
            if (last) {
                closeWebSocket();
            }
        }

        /** Client to pod: a message's first byte names the channel; data channels only. */
        private void readFrames() throws IOException {
            int channel = -1;
            for (WebSocketFrame f; (f = WebSocketFrame.read(in)) != null; ) {
                switch (f.opcode()) {
                    case WebSocketFrame.BINARY, WebSocketFrame.CONTINUATION -> {
                        byte[] p = f.payload();
                        int from = 0;
                        if (f.opcode() == WebSocketFrame.BINARY) {
                            if (p.length == 0) {
                                continue;
                            }
                            channel = p[0] & 0xFF;
                            from = 1;
                        }
                        Socket s = channel % 2 == 0 && channel / 2 < sockets.length ? socket(channel / 2) : null;
                        if (s != null && p.length > from) {
                            try {
                                s.getOutputStream().write(p, from, p.length - from);
                            } catch (IOException e) {
                                log.debug("port-forward: write to the pod failed: {}", e.toString());
                            }
                        }
                    }
                    case WebSocketFrame.PING -> sendFrame(WebSocketFrame.of(WebSocketFrame.PONG, f.payload()));
                    case WebSocketFrame.CLOSE -> {
                        closeWebSocket();
                        return;
                    }
                    default -> log.debug("port-forward: frame with opcode {} ignored", f.opcode());
                }
            }
        }

        private synchronized Socket socket(int i) {
            return sockets[i];
        }

        private void send(byte[] message) throws IOException {
            sendFrame(WebSocketFrame.of(WebSocketFrame.BINARY, message));
        }

        private synchronized void sendFrame(WebSocketFrame f) throws IOException {
            if (!closeSent) {
                f.write(out);
            }
        }

        /** Sends a close frame (normal closure) once, and ends every pod connection. */
        private void closeWebSocket() {
            synchronized (this) {
                if (closeSent) {
                    return;
                }
                try {
                    WebSocketFrame.of(WebSocketFrame.CLOSE, new byte[] {0x03, (byte) 0xE8}).write(out);
                } catch (IOException e) {
                    log.debug("port-forward: close frame not sent: {}", e.toString());
                }
                closeSent = true;
            }
            for (Socket s : sockets) {
                closeQuietly(s);
            }
        }
    }

    private static void refuse(OutputStream out, int status, String why) throws IOException {
        byte[] body = (why + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + (status == 404 ? " Not Found" : " Bad Request")
                + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** Any other request: to the agent's plain HTTP server, the bytes both ways as they come. */
    private void relay(byte[] head, InputStream in, Socket client) throws IOException {
        try (Socket backend = new Socket()) {
            backend.connect(plain, 5_000);
            OutputStream toBackend = backend.getOutputStream();
            toBackend.write(head);
            toBackend.flush();
            Thread up = Thread.ofVirtual().name("kubelet-api-relay").start(() -> {
                try {
                    in.transferTo(toBackend);
                } catch (IOException e) {
                    log.debug("kubelet port: relay to the log endpoint ended: {}", e.toString());
                } finally {
                    closeQuietly(backend);
                }
            });
            try {
                backend.getInputStream().transferTo(client.getOutputStream());
            } finally {
                closeQuietly(client);
                up.interrupt();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("kubelet port: close failed: {}", e.toString());
        }
        acceptor.interrupt();
    }
}
