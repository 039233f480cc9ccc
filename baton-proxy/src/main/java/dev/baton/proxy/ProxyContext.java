package dev.baton.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.LoggerFactory;

/** What every connection of one proxy shares: settings, router, retry budget, backend bootstrap. */
final class ProxyContext {

    final ProxyConfig config;
    final Router router;
    final RetryBudget retryBudget;
    final ChannelGroup clientChannels = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    final LongAdder rejected = new LongAdder();
    /** Warnings any client can cause, at most one per 10 s. */
    final RateLimitedLog clientWarnings = new RateLimitedLog(LoggerFactory.getLogger(FrontendHandler.class),
            Duration.ofSeconds(10));
    /** Failures inside timeout handling (logged, counted, never fatal to the loop). */
    final LongAdder timerFailures = new LongAdder();
    private final Map<EventLoop, LoopTimers> timers = new ConcurrentHashMap<>();
    private final Bootstrap backendBootstrap;

    ProxyContext(ProxyConfig config, Router router) {
        this.config = config;
        this.router = router;
        this.retryBudget = new RetryBudget(config.retryBudgetRatio(), config.retryBudgetMin());
        this.backendBootstrap = new Bootstrap()
                .channel(Transport.channel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ResponseDecoder decoder = new ResponseDecoder();
                        ch.pipeline().addLast("http", decoder);
                        ch.pipeline().addLast("backend", new BackendHandler(decoder));
                    }
                });
    }

    /** The timeouts of {@code loop}; their ticker starts with the first connection on it. Call on {@code loop}. */
    LoopTimers timers(EventLoop loop) {
        return timers.computeIfAbsent(loop, l -> new LoopTimers(l, config, timerFailures));
    }

    /** Connects to {@code backend} on {@code loop}, the loop of the client connection. */
    ChannelFuture connect(Backend backend, EventLoop loop) {
        return backendBootstrap.clone(loop).connect(backend.socketAddress());
    }
}
