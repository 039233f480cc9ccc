package dev.baton.rollout;

/** An instance as the traffic proxy knows it: where to send requests. */
public record Backend(String id, String host, int port) {
    public static Backend of(Instance i) {
        return new Backend(i.id(), i.host(), i.port());
    }
}
