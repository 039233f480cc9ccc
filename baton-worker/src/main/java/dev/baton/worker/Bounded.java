package dev.baton.worker;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blocking call made while stopping, cut off at a deadline. With PostgreSQL away a single call can wait out
 * the pool's connection timeout (10 s), far past a stop deadline and into the SIGKILL that follows it; a call
 * cut off here is left to end (or fail) on its own thread, and whatever it was recording is recovered by the
 * queue (an expired lease is rescued, a registry entry not seen is dropped).
 */
final class Bounded {

    private static final Logger log = LoggerFactory.getLogger(Bounded.class);

    private Bounded() {}

    /**
     * Runs {@code call} until it ends or {@link System#nanoTime()} reaches {@code deadlineNanos}, whichever comes
     * first; true when it ended in time (a call that throws has ended: it logs its own failure).
     */
    static boolean within(String what, long deadlineNanos, Runnable call) throws InterruptedException {
        Thread t = Thread.ofVirtual().name("stop-" + what).start(call);
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            t.join(Duration.ofNanos(left));
        }
        if (t.isAlive()) {
            log.warn("{}: not done by the stop deadline; left unfinished (the database may be unreachable)", what);
            return false;
        }
        return true;
    }
}
