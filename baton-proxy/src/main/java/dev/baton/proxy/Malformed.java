package dev.baton.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Input the proxy refuses while reading it (a bad head, a bad chunk, a body over the limit): the
 * status to answer with and why. Also what {@link RequestDecoder} passes on in place of a message.
 */
final class Malformed extends Exception {

    private final HttpResponseStatus status;

    Malformed(HttpResponseStatus status, String reason) {
        super(reason, null, false, false); // expected input, no stack trace to fill
        this.status = status;
    }

    static Malformed badRequest(String reason) {
        return new Malformed(HttpResponseStatus.BAD_REQUEST, reason);
    }

    HttpResponseStatus status() {
        return status;
    }
}
