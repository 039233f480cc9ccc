package dev.baton.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port: JSON over HTTP, every request authenticated with {@code Authorization: Bearer
 * <token>} (401 otherwise), but {@code GET /ready}, which says only whether the proxy is ready. Binds loopback
 * unless told otherwise. The token is never logged.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final AdminApi api;
    private final byte[] expected;
    private final InetSocketAddress listen;
    private EventLoopGroup group;
    private Channel channel;

    /**
     * @param proxy  the proxy to administer
     * @param listen where to listen (use a loopback address unless the port is otherwise protected)
     * @param token  the bearer token clients must present; at least 16 characters
     */
    public AdminServer(BatonProxy proxy, InetSocketAddress listen, String token) {
        if (token == null || token.strip().length() < 16) {
            throw new IllegalArgumentException("token: required, at least 16 characters");
        }
        this.api = new AdminApi(proxy);
        this.expected = ("Bearer " + token.strip()).getBytes(StandardCharsets.UTF_8);
        this.listen = listen;
    }

    public AdminServer start() throws InterruptedException {
        group = Transport.group(1, "baton-proxy-admin");
        channel = new ServerBootstrap().group(group).channel(Transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                }).bind(listen).sync().channel();
        if (!address().getAddress().isLoopbackAddress()) {
            log.warn("admin API listening on non-loopback address {}; protect it", address());
        }
        log.info("admin API on {}", address());
        return this;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.decoderResult().isSuccess()) {
                write(ctx, AdminApi.Reply.error(HttpResponseStatus.BAD_REQUEST, "malformed request"), false);
                return;
            }
            if (req.method().equals(HttpMethod.GET)
                    && new QueryStringDecoder(req.uri()).path().equals(AdminApi.READY_PATH)) {
                write(ctx, api.readiness(), keepAlive); // for the kubelet's probe, which carries no token
                return;
            }
            String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
            if (!MessageDigest.isEqual(expected, auth.getBytes(StandardCharsets.UTF_8))) {
                write(ctx, AdminApi.Reply.error(HttpResponseStatus.UNAUTHORIZED,
                        "Authorization: Bearer <token> required"), keepAlive);
                return;
            }
            String body = req.content().toString(StandardCharsets.UTF_8);
            api.handle(req.method(), req.uri(), body).whenComplete((reply, err) -> {
                if (err != null) {
                    log.error("admin request {} {} failed", req.method(), req.uri(), err);
                    reply = AdminApi.Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
                }
                write(ctx, reply, keepAlive);
            });
        }

        private void write(ChannelHandlerContext ctx, AdminApi.Reply reply, boolean keepAlive) {
            ByteBuf content = Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(), content);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            if (reply.status() == HttpResponseStatus.UNAUTHORIZED) {
                res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            }
            if (keepAlive) {
                ctx.writeAndFlush(res);
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
