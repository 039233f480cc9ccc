package dev.baton.worker;

/** Turns a throwable into the text recorded on a failed job and in logs. */
final class Failures {

    private static final int MAX_FRAMES = 8;
    private static final int MAX_LENGTH = 4000;

    private Failures() {}

    /** {@code Type: message} of the throwable and of its root cause, without a stack trace. */
    static String summary(Throwable t) {
        String top = t.getClass().getName() + ": " + t.getMessage();
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? top : top + " (caused by " + root.getClass().getName() + ": " + root.getMessage() + ")";
    }

    /** The summary plus the first stack frames: enough to find the line, short enough to store per attempt. */
    static String forJob(Throwable t) {
        StringBuilder b = new StringBuilder(summary(t));
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < Math.min(MAX_FRAMES, frames.length); i++) {
            b.append("\n\tat ").append(frames[i]);
        }
        if (frames.length > MAX_FRAMES) {
            b.append("\n\t... ").append(frames.length - MAX_FRAMES).append(" more");
        }
        return b.length() > MAX_LENGTH ? b.substring(0, MAX_LENGTH) : b.toString();
    }
}
