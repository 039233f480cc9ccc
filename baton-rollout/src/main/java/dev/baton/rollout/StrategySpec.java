package dev.baton.rollout;

/** The {@code strategy} section of the app spec: one of three types. */
public sealed interface StrategySpec permits RollingSpec, BlueGreenSpec, CanarySpec {
    /** The type as written in the spec: {@code rolling}, {@code blue-green} or {@code canary}. */
    String type();
}
