package dev.baton.bench.proxy;

import java.util.List;

/**
 * One kind of traffic the proxy bench drives through every target: small GETs on a few connections
 * (the classic keep-alive load), the same GETs on many connections, and POSTs with a body.
 *
 * @param name        short name used in options, output and JSON
 * @param connections wrk connections
 * @param bodyBytes   request body size; 0 for GETs
 */
record Load(String name, int connections, int bodyBytes) {

    /** The three loads of a default run; {@code connections} is the {@code --connections} option. */
    static List<Load> defaults(int connections) {
        return List.of(new Load("get", connections, 0), new Load("c1000", 1000, 0),
                new Load("post16k", connections, 16 * 1024));
    }

    String describe() {
        return bodyBytes == 0 ? "GET, " + connections + " connections"
                : "POST " + bodyBytes / 1024 + " KB body, " + connections + " connections";
    }
}
