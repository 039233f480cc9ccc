package dev.baton.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The spec's {@code run} line as a container command. A plain command line becomes its own argument list, so
 * the program is PID 1 and receives the kubelet's SIGTERM itself. A line that needs a shell (pipes, {@code ;},
 * {@code $VAR}, redirections) runs under {@code sh -c}, and then only if the line {@code exec}s its last
 * program does SIGTERM reach it; {@link #needsShell()} says which case this is. A line that begins with a shell
 * builtin or keyword ({@code cd}, {@code export}, {@code if} …) needs the shell too, since no program of that
 * name exists; a leading {@code exec} is dropped, as the program is PID 1 without it.
 */
record ContainerCommand(List<String> argv, boolean needsShell) {
    private static final String SHELL_CHARS = ";&|<>$`()*?[]{}~#!\\\n\r";
    /** Words that are the shell's, not programs a container could start (POSIX special builtins and keywords). */
    private static final Set<String> SHELL_WORDS = Set.of(".", ":", "alias", "break", "case", "cd", "command",
            "continue", "do", "eval", "exit", "export", "for", "function", "if", "read", "readonly", "return", "set",
            "shift", "source", "times", "trap", "ulimit", "umask", "unalias", "unset", "until", "wait", "while");

    ContainerCommand {
        argv = List.copyOf(argv);
    }

    /** The command for a run line whose {@code {port}} and {@code {version}} are already filled in. */
    static ContainerCommand of(String line) {
        List<String> words = split(line);
        if (words != null && words.getFirst().equals("exec")) {
            words = words.size() > 1 ? words.subList(1, words.size()) : null;
        }
        if (words == null || SHELL_WORDS.contains(words.getFirst())) {
            return new ContainerCommand(List.of("sh", "-c", line), true);
        }
        return new ContainerCommand(words, false);
    }

    /** Splits on blanks honouring '…' and "…" (without escapes inside); null when the line needs a shell. */
    private static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (quote == '"' && (c == '$' || c == '`' || c == '\\')) {
                    return null;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (SHELL_CHARS.indexOf(c) >= 0) {
                return null;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            return null;
        }
        if (inWord) {
            words.add(word.toString());
        }
        // VAR=value prefixes are shell syntax too
        return words.isEmpty() || words.getFirst().contains("=") ? null : words;
    }
}
