package dev.baton.server;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start has done so far, to undo when a later part of it fails: the steps run newest first, each on
 * its own (one that fails is logged and the others still run), so a failed {@code baton up} leaves nothing
 * running that it started.
 */
final class StartUndo {
    private static final Logger log = LoggerFactory.getLogger(StartUndo.class);
    private final Deque<Step> steps = new ArrayDeque<>();

    private record Step(String what, Runnable action) {}

    void add(String what, Runnable action) {
        steps.push(new Step(what, action));
    }

    /** Undoes every step, newest first, after {@code cause} stopped the start. */
    void run(Throwable cause) {
        log.warn("start failed ({}); undoing what it started", cause.toString());
        while (!steps.isEmpty()) {
            Step s = steps.pop();
            try {
                s.action().run();
                log.info("start undone: {}", s.what());
            } catch (RuntimeException e) {
                log.warn("start undo: could not {}: {}", s.what(), e.toString());
            }
        }
    }
}
