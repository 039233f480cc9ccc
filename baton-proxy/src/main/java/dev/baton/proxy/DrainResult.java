package dev.baton.proxy;

import java.time.Duration;

/**
 * How a drain ended.
 *
 * @param backend       the backend id
 * @param completed     true when everything in flight finished before the deadline
 * @param cutRequests   requests still in flight at the deadline (their connections were closed)
 * @param cutUpgraded   upgraded connections (WebSocket) still open at the deadline (closed)
 * @param took          time from the drain call to its end
 */
public record DrainResult(String backend, boolean completed, int cutRequests, int cutUpgraded, Duration took) {
}
