package dev.baton.bench.worker;

/** A JVM that prints {@value #STARTED} and waits for a signal: the baseline of a worker process's exit. */
public final class IdleMain {

    static final String STARTED = "idle started";

    private IdleMain() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.println(STARTED);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
