package dev.baton.worker;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Command-line options as {@code --name value} or {@code --name=value}, checked against the names a program accepts. */
public final class OptionArgs {

    private OptionArgs() {}

    /**
     * The options given, by name (without the dashes).
     *
     * @throws IllegalArgumentException for a stray argument, an unknown option (listing the allowed ones) or
     *                                  an option without a value (starting with its name)
     */
    public static Map<String, String> parse(String[] args, Collection<String> allowed) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': options start with --; allowed: "
                        + list(allowed));
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + ": missing value");
            }
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; allowed: " + list(allowed));
            }
            given.put(name, value);
        }
        return given;
    }

    private static String list(Collection<String> allowed) {
        return allowed.stream().map(o -> "--" + o).collect(Collectors.joining(", "));
    }
}
