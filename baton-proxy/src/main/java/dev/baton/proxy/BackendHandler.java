package dev.baton.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of a backend connection's pipeline: hands what the backend sends to the exchange using
 * the connection, or, for an idle pooled connection, drops the connection from its pool. Requests go
 * out as the bytes the exchange wrote ({@link ForwardedHeaders#writeRequest}, then the body as it
 * came), so the pipeline has no encoder; responses are read by {@link ResponseDecoder}.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private final ResponseDecoder decoder;
    private Exchange exchange;
    private Backend pooledFor;

    BackendHandler(ResponseDecoder decoder) {
        this.decoder = decoder;
    }

    /** The request about to be sent on this connection is HEAD (or not). */
    void headRequest(boolean head) {
        decoder.headRequest(head);
    }

    /** Binds the connection to an exchange (null: it is idle). */
    void bind(Exchange e, Backend backend) {
        exchange = e;
        pooledFor = e == null ? backend : null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null) {
            exchange.onBackendRead(msg);
        } else {
            // An idle connection should not receive anything: it is no longer in a known state.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onBackendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onBackendClosed(null);
        } else if (pooledFor != null) {
            pooledFor.forget(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (exchange != null) {
            exchange.onBackendClosed(cause);
        }
        ctx.close();
    }
}
