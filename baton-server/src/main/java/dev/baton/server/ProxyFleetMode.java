package dev.baton.server;

import java.util.Locale;

/**
 * Which proxies a control plane drives: {@code LOCAL}, the one proxy process it starts (or adopts) beside itself on
 * its home; {@code KUBERNETES}, the proxy pods of an install ({@code baton kube install}), found by label in the
 * namespace it drives, while it starts no proxy of its own ({@code baton up --proxy-fleet kubernetes}).
 */
public enum ProxyFleetMode {
    LOCAL, KUBERNETES;

    /** The environment variable that gives {@code --proxy-fleet} its default. */
    static final String ENV = "BATON_PROXY_FLEET";

    /**
     * @throws IllegalArgumentException naming {@code field} and the values allowed
     */
    static ProxyFleetMode parse(String field, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "local" -> LOCAL;
            case "kubernetes" -> KUBERNETES;
            default -> throw new IllegalArgumentException(field + ": must be local or kubernetes, got '" + value + "'");
        };
    }
}
