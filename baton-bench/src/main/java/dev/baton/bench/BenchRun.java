package dev.baton.bench;

import picocli.CommandLine.Option;

/** The options every benchmark takes ({@code @Mixin}): a shorter run, and JSON output. */
public final class BenchRun {

    @Option(names = "--quick", description = "A run under a minute; each option says what it lowers.")
    public boolean quick;

    @Option(names = "--json", description = "Print one JSON object on standard output and nothing else there.")
    public boolean json;
}
