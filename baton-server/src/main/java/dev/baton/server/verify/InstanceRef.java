package dev.baton.server.verify;

/**
 * An instance as a fault sees it.
 *
 * @param id the control plane's instance id
 * @param version the version it runs
 * @param pid its process (the leader of its process group)
 * @param port its HTTP port
 * @param state STARTING, READY, DRAINING, STOPPED or FAILED
 */
public record InstanceRef(String id, String version, long pid, int port, String state) {

    public boolean ready() {
        return "READY".equals(state);
    }

    /** For explanations: {@code shop-v1-2 (v1, port 41234, pid 5555)}. */
    public String describe() {
        return id + " (" + version + ", port " + port + ", pid " + pid + ")";
    }
}
