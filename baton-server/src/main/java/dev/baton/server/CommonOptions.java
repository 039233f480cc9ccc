package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every client command takes: where {@code .baton} is, and {@code --json} for scripts. */
final class CommonOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--home", description = "The .baton directory (default: $BATON_HOME or ./.baton).")
    Path home;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--json", description = "Print JSON only on standard output (for scripts).")
    boolean json;

    BatonHome home() {
        return home != null ? new BatonHome(home) : BatonHome.fromEnvironment();
    }

    BatonClient client() {
        return new BatonClient(home());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code node} as JSON on standard output. */
    void printJson(JsonNode node) {
        out().println(node.toString());
        out().flush();
    }

    /** Progress for humans: standard output, or standard error with {@code --json}. */
    PrintWriter progress() {
        return json ? err() : out();
    }
}
