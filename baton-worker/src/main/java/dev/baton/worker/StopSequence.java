package dev.baton.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drain of a stopping worker, bounded by two deadlines. Soft: in-flight handlers run to their end
 * (nothing new is claimed) and pending completions are written without lingering. Hard: the handlers
 * still running are interrupted, and the jobs of any that do not end in time are released to the queue,
 * attempt not counted, so another worker takes them at once instead of waiting for the lease to expire.
 * A job whose handler has ended is never released: its outcome is being recorded (the right to record
 * it is taken once, see {@link Execution#takeSettlement()}).
 */
final class StopSequence {

    /** What the drain did. */
    record Report(int inFlightAtStart, int interrupted, int forceReleased, int leftRunning, Duration took) {}

    private static final Logger log = LoggerFactory.getLogger(StopSequence.class);
    /** Part of the hard phase kept for releasing jobs whose handlers ignore interrupts. */
    private static final Duration MAX_RELEASE_RESERVE = Duration.ofSeconds(1);

    private final InFlight inFlight;
    private final JobRunner runner;

    StopSequence(InFlight inFlight, JobRunner runner) {
        this.inFlight = inFlight;
        this.runner = runner;
    }

    Report drain(long startNanos, Duration soft, Duration hard) throws InterruptedException {
        runner.completions().hurry();
        int atStart = inFlight.size();
        long softDeadline = startNanos + soft.toNanos();
        // Empty means every outcome is recorded: completions keep their slot until their batch is durable.
        if (inFlight.awaitEmpty(softDeadline)) {
            return new Report(atStart, 0, 0, 0, since(startNanos));
        }
        List<Execution> late = stillRunning();
        log.info("soft stop deadline ({}) passed with {} job(s) still running: interrupting them", soft, late.size());
        for (Execution e : late) {
            e.cancel(CancelReason.SHUTDOWN);
        }
        Duration reserve = hard.dividedBy(2).compareTo(MAX_RELEASE_RESERVE) < 0 ? hard.dividedBy(2) : MAX_RELEASE_RESERVE;
        long hardDeadline = softDeadline + hard.toNanos();
        if (inFlight.awaitEmpty(hardDeadline - reserve.toNanos())) {
            return new Report(atStart, late.size(), 0, 0, since(startNanos));
        }
        AtomicInteger released = new AtomicInteger();
        List<Execution> stuck = stillRunning();
        Bounded.within("release stuck jobs", hardDeadline, () -> {
            for (Execution e : stuck) {
                if (System.nanoTime() >= hardDeadline) {
                    break;
                }
                if (runner.forceRelease(e)) {
                    released.incrementAndGet();
                }
            }
        });
        if (!stuck.isEmpty()) {
            log.warn("{} handler(s) ignored the interrupt; released {} of their job(s); the rest are left to lease "
                    + "expiry", stuck.size(), released.get());
        }
        return new Report(atStart, late.size(), released.get(), stuck.size(), since(startNanos));
    }

    /** Handlers not yet ended; the others are recording their outcome and must not be released. */
    private List<Execution> stillRunning() {
        return inFlight.snapshot().stream().filter(e -> !e.settlementTaken()).toList();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
