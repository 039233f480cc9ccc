package dev.baton.kube;

import java.util.List;

/**
 * What the {@link NodeAgent} runs for a container, since it pulls no image: the container's command line as it is
 * (a command this host has, like the sample's {@code java …}), or a local stand-in for an image's program (Baton's
 * image: {@code baton …} becomes this host's Java running Baton's main class).
 */
@FunctionalInterface
public interface ImageMap {
    /** Every command line as written. */
    ImageMap NONE = (image, argv) -> argv;

    /**
     * The command line to run on this host for a container of {@code image} whose command and arguments (already
     * expanded and with mounted paths rewritten) are {@code argv}.
     */
    List<String> argv(String image, List<String> argv);
}
