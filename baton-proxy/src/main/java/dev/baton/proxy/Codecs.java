package dev.baton.proxy;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/** The traffic port's response encoder (requests are read by {@link RequestDecoder}). */
final class Codecs {

    private Codecs() {
    }

    /** Encodes responses; told when the current request is HEAD, so a chunked HEAD response has no body. */
    static final class ResponseEncoder extends HttpResponseEncoder {
        private boolean headRequest;

        void headRequest(boolean head) {
            headRequest = head;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            return headRequest || super.isContentAlwaysEmpty(msg);
        }
    }
}
