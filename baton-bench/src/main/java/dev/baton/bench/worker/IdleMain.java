package dev.baton.bench.worker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A JVM that prints {@value #STARTED} and waits for a signal: the baseline of a worker process's exit.
 * With {@code blocked-io}, a thread also waits in a socket accept, as a thread of any process that
 * talks to a database does: HotSpot then waits up to 300 ms at exit for threads in native code.
 */
public final class IdleMain {

    static final String STARTED = "idle started";

    private IdleMain() {}

    public static void main(String[] args) throws InterruptedException, IOException {
        if (args.length > 0 && args[0].equals("blocked-io")) {
            ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().name("blocked-in-accept").start(() -> {
                try {
                    socket.accept();
                } catch (IOException e) {
                    // the process is exiting
                }
            });
        }
        System.out.println(STARTED);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
