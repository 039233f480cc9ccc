package dev.baton.worker;

/**
 * The standalone worker's logging when the app gave it none. Logback without a configuration logs everything at
 * DEBUG to standard output (the connection pool's whole configuration dump among it), burying the line launchers
 * wait for; so {@link WorkerMain}, and only it, points logback at {@code worker-logback.xml} (INFO, to standard
 * error) unless a configuration is given ({@code -Dlogback.configurationFile}, or a {@code logback.xml} or
 * {@code logback-test.xml} on the classpath). An app that embeds the worker library keeps its own logging.
 */
final class WorkerLogging {
    static final String CONFIG = "dev/baton/worker/worker-logback.xml";

    private WorkerLogging() {}

    /** Must run before the first logger is created. */
    static void defaultToInfo() {
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        ClassLoader cl = WorkerLogging.class.getClassLoader();
        if (cl.getResource("logback-test.xml") != null || cl.getResource("logback.xml") != null) {
            return;
        }
        System.setProperty("logback.configurationFile", CONFIG);
    }
}
