package dev.baton.proxy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of peer addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code ::1/128})
 * whose word the proxy takes: e.g. a load balancer in front whose {@code X-Forwarded-For} is kept
 * and appended to. An immutable value; empty trusts nobody.
 */
public final class TrustedPeers {

    /** Trusts nobody. */
    public static final TrustedPeers NONE = new TrustedPeers(List.of());

    private final List<String> blocks;
    private final Block[] parsed;

    /** @throws IllegalArgumentException naming an entry that is not an IP address or CIDR block */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public TrustedPeers(List<String> blocks) {
        this.blocks = List.copyOf(blocks == null ? List.of() : blocks);
        this.parsed = this.blocks.stream().map(Block::parse).toArray(Block[]::new);
    }

    /** Parses a comma-separated list ({@code 10.0.0.0/8, 192.168.1.7}); blank gives {@link #NONE}. */
    public static TrustedPeers parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return NONE;
        }
        List<String> out = new ArrayList<>();
        for (String s : commaSeparated.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return new TrustedPeers(out);
    }

    /** The blocks as written. */
    @JsonValue
    public List<String> blocks() {
        return blocks;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedPeers t && t.blocks.equals(blocks);
    }

    @Override
    public int hashCode() {
        return blocks.hashCode();
    }

    @Override
    public String toString() {
        return "TrustedPeers" + blocks;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** True when {@code peer} falls in one of the blocks. */
    public boolean contains(InetAddress peer) {
        if (peer == null) {
            return false;
        }
        byte[] a = peer.getAddress();
        for (Block b : parsed) {
            if (b.matches(a)) {
                return true;
            }
        }
        return false;
    }

    private record Block(byte[] network, int prefix) {
        static Block parse(String text) {
            int slash = text.indexOf('/');
            String addr = slash < 0 ? text : text.substring(0, slash);
            // Only literals (digits, '.', ':'), so that resolving it below never asks DNS.
            if (addr.isEmpty() || addr.indexOf('.') < 0 && addr.indexOf(':') < 0
                    || !addr.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                throw new IllegalArgumentException("trusted peers: '" + text
                        + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8, 127.0.0.1, ::1/128)");
            }
            byte[] network;
            try {
                network = InetAddress.getByName(addr).getAddress(); // a literal: no lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("trusted peers: '" + text + "' is not an IP address");
            }
            int prefix = network.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("trusted peers: '" + text + "' has a prefix length outside 0-"
                            + network.length * 8);
                }
            }
            return new Block(network, prefix);
        }

        boolean matches(byte[] a) {
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }
}
