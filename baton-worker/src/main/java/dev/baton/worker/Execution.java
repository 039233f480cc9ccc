package dev.baton.worker;

import dev.baton.queue.Job;
import java.util.concurrent.atomic.AtomicBoolean;

/** One job in flight: its handler thread, its cancellation and who gets to record its outcome. */
final class Execution {

    private final Job job;
    private final JobContext context;
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean settlementTaken = new AtomicBoolean();
    private Thread thread;
    private boolean handlerDone;

    Execution(Job job, JobContext context) {
        this.job = job;
        this.context = context;
    }

    Job job() {
        return job;
    }

    JobContext context() {
        return context;
    }

    long startedNanos() {
        return startedNanos;
    }

    CancelReason cancelReason() {
        return context.cancelReason().orElse(null);
    }

    /** Called on the handler's own thread before the handler runs. */
    synchronized void attach(Thread handlerThread) {
        thread = handlerThread;
        if (context.isCancelled()) {
            handlerThread.interrupt();
        }
    }

    /**
     * Marks the job cancelled and interrupts its handler. Once the handler has ended no interrupt is
     * sent: the thread is then talking to the database, and interrupting a virtual thread blocked in
     * socket I/O closes the connection under it.
     */
    synchronized void cancel(CancelReason reason) {
        context.cancel(reason);
        if (!handlerDone && thread != null) {
            thread.interrupt();
        }
    }

    /** Called on the handler's thread when the handler ended; clears any pending interrupt. */
    synchronized void handlerDone() {
        handlerDone = true;
        Thread.interrupted();
    }

    /**
     * The right to record this job's outcome, taken once: either the handler's thread (normal end)
     * or the stop sequence (releasing a handler that would not end) gets it, never both.
     */
    boolean takeSettlement() {
        return settlementTaken.compareAndSet(false, true);
    }

    boolean settlementTaken() {
        return settlementTaken.get();
    }
}
