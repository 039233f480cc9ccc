package dev.baton.bench.queue;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Progress lines on standard error, once a second, while a phase runs. */
public final class Progress implements AutoCloseable {

    private final PrintStream err;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-progress");
        t.setDaemon(true);
        return t;
    });

    public Progress(PrintStream err) {
        this.err = err;
    }

    public void say(String format, Object... args) {
        err.printf("bench: " + format + "%n", args);
    }

    /** Prints {@code label: done/expected (rate/s)} every second until the returned handle is closed. */
    public AutoCloseable track(String label, AtomicLong done, long expected) {
        long start = System.nanoTime();
        AtomicLong last = new AtomicLong();
        var task = ticker.scheduleAtFixedRate(() -> {
            long now = done.get();
            say("%-18s %,9d / %,d  (%,d jobs/s now, %,.0f jobs/s overall)", label, now, expected,
                    now - last.getAndSet(now), now / ((System.nanoTime() - start) / 1e9));
        }, 1, 1, TimeUnit.SECONDS);
        return () -> task.cancel(false);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
