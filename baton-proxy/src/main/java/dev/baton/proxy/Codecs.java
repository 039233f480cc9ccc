package dev.baton.proxy;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/** The traffic port's HTTP codec, stricter than Netty's defaults where smuggling hides. */
final class Codecs {

    private Codecs() {
    }

    static HttpRequestDecoder requestDecoder(ProxyConfig config) {
        return new StrictRequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineBytes())
                .setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxChunkSize(16 * 1024)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setValidateHeaders(true));
    }

    /**
     * Rejects a request that carries both {@code Content-Length} and {@code Transfer-Encoding}
     * (Netty would drop the length and go on; a backend that trusts the length instead would read a
     * different request boundary: request smuggling).
     */
    static final class StrictRequestDecoder extends HttpRequestDecoder {
        StrictRequestDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new IllegalArgumentException("both Content-Length and Transfer-Encoding present");
        }
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
