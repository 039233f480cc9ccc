package dev.baton.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real HTTP server for proxy tests, on a port the OS picks. It answers every path with its
 * name, and can be told to be slow ({@code /slow?ms=N}), to fail, to reset connections, to stop
 * accepting, or to die. {@code /ws} is a WebSocket echo; {@code /echo} returns the request body.
 */
final class TestBackend implements AutoCloseable {

    /** What the server does with the next requests. */
    enum Mode { NORMAL, FAIL_500, RESET, HANG }

    final String name;
    private final EventLoopGroup group = Transport.group(1, "test-backend");
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inProgress = new AtomicInteger();
    private final Map<String, AtomicInteger> byRequestId = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.NORMAL;
    private volatile boolean healthy = true;
    private volatile HttpHeaders lastHeaders;
    private Channel server;
    private final int port;

    TestBackend(String name) throws InterruptedException {
        this(name, 0);
    }

    TestBackend(String name, int port) throws InterruptedException {
        this.name = name;
        server = new ServerBootstrap().group(group).channel(Transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new WebSocketServerProtocolHandler("/ws"), new Handler(),
                                new WebSocketEcho(), new QuietClose());
                    }
                }).bind("127.0.0.1", port).sync().channel();
        this.port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    String id() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    void mode(Mode m) {
        mode = m;
    }

    void healthy(boolean h) {
        healthy = h;
    }

    /** Requests received (health checks excluded). */
    int requests() {
        return requests.get();
    }

    int inProgress() {
        return inProgress.get();
    }

    HttpHeaders lastHeaders() {
        return lastHeaders;
    }

    /** How many times each X-Request-Id reached this backend. */
    Map<String, AtomicInteger> byRequestId() {
        return byRequestId;
    }

    /** Stops accepting new connections; open ones keep working. */
    void stopAccepting() {
        server.close().syncUninterruptibly();
    }

    /** Dies like a killed process: no more accepting, every open connection reset. */
    void kill() {
        server.close().syncUninterruptibly();
        for (Channel c : connections) {
            reset(c);
        }
    }

    private static void reset(Channel c) {
        c.config().setOption(ChannelOption.SO_LINGER, 0);
        c.close();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        Handler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            QueryStringDecoder uri = new QueryStringDecoder(req.uri());
            if (uri.path().equals("/ws")) {
                ctx.fireChannelRead(req);
                return;
            }
            try {
                if (uri.path().equals("/health")) {
                    respond(ctx, req, healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "health");
                    return;
                }
                requests.incrementAndGet();
                lastHeaders = req.headers().copy();
                String rid = req.headers().get("X-Request-Id");
                if (rid != null) {
                    byRequestId.computeIfAbsent(rid, k -> new AtomicInteger()).incrementAndGet();
                }
                switch (mode) {
                    case RESET -> {
                        reset(ctx.channel());
                        return;
                    }
                    case HANG -> {
                        return;
                    }
                    case FAIL_500 -> {
                        respond(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, name);
                        return;
                    }
                    default -> { }
                }
                String body = uri.path().equals("/echo") ? req.content().toString(StandardCharsets.UTF_8) : name;
                List<String> ms = uri.parameters().get("ms");
                if (uri.path().equals("/slow") && ms != null) {
                    inProgress.incrementAndGet();
                    ctx.executor().schedule(() -> {
                        inProgress.decrementAndGet();
                        respond(ctx, req, HttpResponseStatus.OK, body);
                    }, Long.parseLong(ms.get(0)), TimeUnit.MILLISECONDS);
                } else {
                    respond(ctx, req, HttpResponseStatus.OK, body);
                }
            } finally {
                req.release();
            }
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            res.headers().set("X-Backend", name).setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!keepAlive) {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(res);
            }
        }
    }

    /** Clients (the proxy) may close mid-request on purpose in these tests. */
    private static final class QuietClose extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final class WebSocketEcho extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame("echo:" + frame.text()));
        }
    }
}
