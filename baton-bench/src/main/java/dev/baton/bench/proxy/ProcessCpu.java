package dev.baton.bench.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system, all threads) a process has used, from {@code /proc/<pid>/stat}. CPU per
 * request is what a proxy costs independently of how busy the shared machine is, so it is reported
 * next to the throughput, which is not.
 */
final class ProcessCpu {

    /** Linux reports these fields in clock ticks of 1/100 s on every common configuration. */
    private static final double TICK_MICROS = 10_000;

    private ProcessCpu() {
    }

    /** Microseconds of CPU used so far by {@code pid}, or NaN when /proc is not there (not Linux). */
    static double micros(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // The command name (field 2) may contain spaces; fields after it start behind the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]);
            long stime = Long.parseLong(f[12]);
            return (utime + stime) * TICK_MICROS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
