package dev.baton.server;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a {@code baton} command in this JVM, as an operator would type it, keeping what it printed. */
record Cli(int code, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BatonCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Cli(code, out.toString(), err.toString());
    }
}
