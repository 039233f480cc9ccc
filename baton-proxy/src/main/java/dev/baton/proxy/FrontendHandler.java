package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on the traffic port. Reads with auto-read off: the next request is read
 * only when the current one is answered, so at most one exchange per connection is in progress;
 * pipelined requests that were already decoded wait in a backlog. What {@link RequestDecoder} passes
 * on: a {@link RequestHead}, body bytes, {@link RequestDecoder#END}, or {@link Malformed} input.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private final ProxyContext context;
    private final Codecs.ResponseEncoder encoder;
    private final BatonProxy.Listener listener;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private final Deadline idle = new Deadline() {
        @Override
        void expired() {
            if (current == null) {
                ctx.close(); // an idle keep-alive connection: nothing is lost
            }
        }
    };
    private ChannelHandlerContext ctx;
    private LoopTimers timers;
    private String clientIp = "";
    private InetAddress clientAddress;
    private boolean trustedPeer;
    /** The connection's one exchange object, reused request after request (made with the first). */
    private Exchange exchange;
    /** The exchange while a request is in progress, else null. */
    private Exchange current;
    private boolean rejecting;
    /**
     * Between a read from the client and the end of that read batch: what an exchange writes to its backend
     * meanwhile is flushed once, at {@link #channelReadComplete}.
     */
    private boolean inReadBatch;

    FrontendHandler(ProxyContext context, Codecs.ResponseEncoder encoder, BatonProxy.Listener listener) {
        this.context = context;
        this.encoder = encoder;
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        timers = context.timers(ctx.channel().eventLoop());
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            clientAddress = a.getAddress();
            clientIp = clientAddress.getHostAddress();
            trustedPeer = context.config.trustedProxies().contains(clientAddress);
        }
        context.clientChannels.add(ctx.channel());
        timers.idleClients.arm(idle, System.nanoTime());
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inReadBatch = true;
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (rejecting) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current != null && !current.acceptsRequestContent()) {
            backlog.add(msg);
            return;
        }
        if (msg instanceof RequestHead head) {
            timers.idleClients.disarm(idle);
            if (exchange == null) {
                exchange = new Exchange(context, this, ctx.channel());
            }
            current = exchange;
            current.begin(head);
            current.start();
        } else if (msg instanceof ByteBuf body) {
            if (current != null) {
                current.onClientContent(body);
            } else {
                body.release();
            }
        } else if (msg == RequestDecoder.END) {
            if (current != null) {
                current.onClientEnd();
            }
        } else if (msg instanceof Malformed bad) {
            if (current != null) {
                current.onClientBadInput(bad);
            } else {
                reject(bad);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inReadBatch = false;
        if (current != null) {
            current.onClientReadComplete();
        } else if (!rejecting) {
            ctx.read();
        }
    }

    /** The exchange in progress is over; go on with the next request on this connection. */
    void exchangeDone(Exchange e) {
        if (current != e) {
            return;
        }
        current = null;
        while (!backlog.isEmpty() && (current == null || current.acceptsRequestContent())) {
            dispatch(backlog.poll());
        }
        if (current == null && ctx.channel().isActive()) {
            timers.idleClients.arm(idle, System.nanoTime());
            ctx.read();
        }
    }

    /** True while a read batch from the client is being handled: its end flushes the exchange's backend writes. */
    boolean inReadBatch() {
        return inReadBatch;
    }

    /** Tells the encoder whether the response about to be written answers a HEAD request. */
    void headRequest(boolean head) {
        encoder.headRequest(head);
    }

    private void reject(Malformed bad) {
        rejecting = true;
        context.rejected.increment();
        context.clientWarnings.warn("rejected a malformed request from {}: {} {}", clientIp, bad.status().code(),
                bad.getMessage());
        encoder.headRequest(false);
        ctx.writeAndFlush(Responses.error(bad.status(), "malformed request", false))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** A request refused by {@link RequestChecks}; logged, at a bounded rate. */
    void rejectedRequest(RequestChecks.Rejection r) {
        context.clientWarnings.warn("refused a request from {}: {} {}", clientIp, r.status().code(), r.reason());
    }

    /** The address of the client, for {@code X-Forwarded-For}. */
    String clientIp() {
        return clientIp;
    }

    /** The client's address (null when not an IP connection). */
    InetAddress clientAddress() {
        return clientAddress;
    }

    /** The connection came in on the preview listener: only the preview version serves it. */
    boolean preview() {
        return listener == BatonProxy.Listener.PREVIEW;
    }

    /** The client is one of the configured trusted proxies, whose forwarding headers are kept. */
    boolean trustedPeer() {
        return trustedPeer;
    }

    /** The timeouts of this connection's event loop. */
    LoopTimers timers() {
        return timers;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timers != null) {
            timers.idleClients.disarm(idle);
        }
        if (current != null) {
            current.onClientClosed();
            current = null;
        }
        Object m;
        while ((m = backlog.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
