package dev.baton.proxy;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timeouts of one event loop: backend response deadlines and client idle deadlines, checked by
 * one repeating task per loop instead of a scheduled task per request or per connection. A deadline
 * fires at most one tick late; the tick is a tenth of the shorter timeout, between 1 and 100 ms.
 */
final class LoopTimers {

    private static final Logger log = LoggerFactory.getLogger(LoopTimers.class);

    /** Backend has this long to start its response (504 after). */
    final DeadlineQueue responses;
    /** A keep-alive client connection with no request in progress is closed after this long. */
    final DeadlineQueue idleClients;
    private final LongAdder failures;

    LoopTimers(EventLoop loop, ProxyConfig config, LongAdder failures) {
        long response = config.backendTimeout().toNanos();
        long idle = config.clientIdleTimeout().toNanos();
        this.responses = new DeadlineQueue(response);
        this.idleClients = new DeadlineQueue(idle);
        this.failures = failures;
        long tick = Math.clamp(Math.min(response, idle) / 10, TimeUnit.MILLISECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(100));
        loop.scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.NANOSECONDS);
    }

    private void tick() {
        long now = System.nanoTime();
        expire(responses, now);
        expire(idleClients, now);
    }

    private void expire(DeadlineQueue q, long now) {
        Deadline d;
        while ((d = q.pollExpired(now)) != null) {
            try {
                d.expired();
            } catch (RuntimeException e) {
                failures.increment();
                log.error("timeout handling failed; continuing", e);
            }
        }
    }
}
