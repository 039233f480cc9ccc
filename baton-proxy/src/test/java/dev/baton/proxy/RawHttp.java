package dev.baton.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends hand-written bytes on a plain socket, for inputs a well-behaved client cannot produce. */
final class RawHttp {

    private RawHttp() {
    }

    /** Writes {@code request}, reads until the server closes or goes quiet, returns what came back. */
    static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readUntilCloseOrQuiet(s);
        }
    }

    static String readUntilCloseOrQuiet(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException quiet) {
            // the server kept the connection open; return what arrived
        } catch (IOException reset) {
            // a reset after the response is fine for these tests
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    static int status(String response) {
        if (!response.startsWith("HTTP/1.1 ")) {
            return -1;
        }
        return Integer.parseInt(response.substring(9, 12));
    }
}
