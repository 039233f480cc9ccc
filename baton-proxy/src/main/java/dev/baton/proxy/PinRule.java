package dev.baton.proxy;

import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * Lets a request choose its version by a header, e.g. {@code X-Baton-Version: v2}, to try a
 * version before it has traffic. Off unless the route table has one. Pinned requests reach only
 * the named version (no fallback), are counted apart from its weighted traffic and never enter the
 * analysis that judges a canary, so that no client can hide a bad canary or force a rollback.
 *
 * @param header       the request header that names the version
 * @param trustedPeers the peers allowed to pin; empty lets every client pin
 */
public record PinRule(String header, TrustedPeers trustedPeers) {

    /** The header name the proxy has always documented for pinning. */
    public static final String DEFAULT_HEADER = "X-Baton-Version";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");

    public PinRule {
        if (header == null || !TOKEN.matcher(header).matches()) {
            throw new IllegalArgumentException("pin.header: must be a header name (letters, digits, '-'), was "
                    + (header == null ? "null" : "'" + header + "'"));
        }
        trustedPeers = trustedPeers == null ? TrustedPeers.NONE : trustedPeers;
    }

    /** True when {@code peer} may pin its requests. */
    boolean trusts(InetAddress peer) {
        return trustedPeers.isEmpty() || trustedPeers.contains(peer);
    }
}
