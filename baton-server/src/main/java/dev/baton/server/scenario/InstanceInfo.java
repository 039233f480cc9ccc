package dev.baton.server.scenario;

/**
 * An instance as the control plane reports it, for fault injection.
 *
 * @param id the control plane's instance id
 * @param version the version it runs
 * @param pid its process, the leader of its own process group
 * @param port its HTTP port
 * @param state STARTING, READY, DRAINING, STOPPED or FAILED
 */
public record InstanceInfo(String id, String version, long pid, int port, String state) {
    public boolean ready() {
        return "READY".equals(state);
    }
}
