package dev.baton.bench;

import dev.baton.bench.proxy.ProxyBench;
import dev.baton.bench.queue.QueueBench;
import dev.baton.bench.worker.WorkerBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code baton bench …}: benchmarks, each against a baseline measured in the same run.
 * Progress goes to standard error; standard output carries the summary (or, with {@code --json},
 * one JSON object and nothing else).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks, each measured against a baseline in the same run.",
        subcommands = {
            QueueBench.class,
            ProxyBench.class,
            WorkerBench.class,
        })
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}
