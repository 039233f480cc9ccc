package dev.baton.rollout;

/** An instance as the traffic proxy knows it: where to send requests. */
public record InstanceAddress(String id, String host, int port) {
    public static InstanceAddress of(Instance i) {
        return new InstanceAddress(i.id(), i.host(), i.port());
    }
}
