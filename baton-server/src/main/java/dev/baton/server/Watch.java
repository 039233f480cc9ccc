package dev.baton.server;

/**
 * {@code --watch}: the same view every 2 seconds until interrupted, redrawn in place when standard output is a
 * terminal, else appended under a {@code --- 14:03:07} line (with {@code --json}: one document per line).
 */
final class Watch {
    /** Clear the screen and move the cursor home (ANSI): a redraw in place. */
    static final String REDRAW = "\033[H\033[2J";
    static final long PERIOD_MS = 2000;

    private Watch() {}

    /** Shows {@code view} once, or, with {@code watch}, again and again. */
    static int run(CommonOptions o, boolean watch, Runnable view) throws InterruptedException {
        boolean inPlace = watch && !o.json && BatonCommand.stdoutIsTerminal();
        while (true) {
            if (inPlace) {
                o.out().print(REDRAW);
            } else if (watch && !o.json) {
                o.out().println("--- " + Views.now());
            }
            view.run();
            o.out().flush();
            if (!watch) {
                return 0;
            }
            if (!inPlace && !o.json) {
                o.out().println();
            }
            Thread.sleep(PERIOD_MS);
        }
    }
}
