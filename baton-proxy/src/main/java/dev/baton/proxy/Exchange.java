package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's trip through the proxy: choose a READY backend, send the request, stream the
 * response back, retry on another backend when that is safe. Lives on the client connection's
 * event loop, as do the backend connections it uses, so it needs no synchronization.
 *
 * <p>Backpressure in both directions as in Netty's HexDumpProxy: with auto-read off, a side is read
 * again only after what was last read from it has been written to the other side.
 *
 * <p>Whether a failed attempt is sent again is decided by {@link RetryRule} alone: never on a
 * backend already tried, and only while the body is still available (small bodies are kept for replay).
 *
 * <p>The head is checked by {@link RequestChecks} before anything is forwarded, and the body is framed
 * for the backend from what the codec read ({@link ForwardedHeaders#frame}), never from the client's
 * headers as they are.
 */
final class Exchange extends Deadline implements ChannelFutureListener {

    private static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("idempotency-key");

    private final ProxyContext context;
    private final FrontendHandler front;
    private final Channel client;
    private final HttpRequest request;
    private final boolean keepAlive;
    /** Safe to run twice: an idempotent method, or an {@code Idempotency-Key} from the client. */
    private final boolean replayableMethod;
    private final boolean upgrade;
    private final boolean head;
    private final long startNanos = System.nanoTime();
    private final LoopTimers timers;
    private final List<Backend> tried = new ArrayList<>(2);
    /** Body parts kept for a retry (allocated with the first one; most requests have no body). */
    private ArrayDeque<HttpContent> replay;
    /** Body parts not yet written to the backend (allocated when one has to wait). */
    private ArrayDeque<HttpContent> pending;
    /** The request ended with the shared empty last part, which is not kept in {@link #replay}. */
    private boolean emptyEnd;

    private String pin;
    /** The client asked for {@code 100 Continue}; sent once a backend has been chosen. */
    private boolean expectContinue;
    /** Counts this request: the version's metrics, or its pinned metrics (kept out of analysis). */
    private VersionMetrics metrics;
    private String stickyVersion;
    private boolean sticky;
    private boolean replayable;
    private long bodyBytes;
    private boolean requestComplete;
    private Routes.Version version;
    private Backend backend;
    private Backend counted;
    private Channel upstream;
    private boolean reused;
    /** The current attempt's request head was written to the backend. */
    private boolean reached;
    private boolean wroteBody;
    private boolean responseStarted;
    private boolean switching;
    private boolean done;
    private boolean holdingRetry;
    private int attempt;
    private int status;
    private BackendHandler upstreamHandler;
    /** The write of the request head of the current attempt; its success means the backend was reached. */
    private ChannelFuture requestWrite;
    private ChannelFuture lastClientWrite;
    private ChannelFuture lastBackendWrite;

    Exchange(ProxyContext context, FrontendHandler front, Channel client, HttpRequest request) {
        this.context = context;
        this.front = front;
        this.client = client;
        this.request = request;
        this.timers = front.timers();
        this.keepAlive = HttpUtil.isKeepAlive(request);
        HttpMethod m = request.method();
        this.replayableMethod = m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS
                || m == HttpMethod.PUT || m == HttpMethod.DELETE || m == HttpMethod.TRACE
                || request.headers().contains(IDEMPOTENCY_KEY);
        this.head = m == HttpMethod.HEAD;
        this.upgrade = !ForwardedHeaders.declineCleartextHttp2(request.headers())
                && request.headers().contains(HttpHeaderNames.UPGRADE)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        this.replayable = context.config.replayBufferBytes() > 0;
    }

    boolean acceptsRequestContent() {
        return !requestComplete && !done;
    }

    // ---- client side ----------------------------------------------------------------------------

    void start() {
        context.retryBudget.requestStarted();
        RequestChecks.Rejection refused = RequestChecks.check(request);
        if (refused != null) {
            context.rejected.increment();
            front.rejectedRequest(refused);
            reject(refused.status(), refused.reason(), false);
            return;
        }
        long length = HttpUtil.getContentLength(request, -1L);
        boolean chunked = request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING); // exactly "chunked"
        if (length > context.config.maxBodyBytes()) {
            requestComplete = true; // we will not read the body; the connection closes after the answer
            reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body larger than " + context.config.maxBodyBytes()
                    + " bytes", false);
            return;
        }
        expectContinue = request.headers().contains(HttpHeaderNames.EXPECT); // exactly "100-continue"
        request.headers().remove(HttpHeaderNames.EXPECT);
        RequestTarget.toOriginForm(request);
        Routes routes = context.router.routes();
        if (front.preview()) {
            pin = routes.table.preview();
            if (pin == null) {
                reject(HttpResponseStatus.SERVICE_UNAVAILABLE, "no version on preview", true);
                return;
            }
        } else {
            PinRule pinRule = routes.table.pin();
            if (pinRule != null && pinRule.trusts(front.clientAddress())) {
                pin = request.headers().get(pinRule.header());
            }
        }
        sticky = routes.table.sticky() && !front.preview();
        if (sticky) {
            stickyVersion = StickyCookie.read(request);
        }
        ForwardedHeaders.request(request, front.clientIp(), front.trustedPeer(), upgrade);
        ForwardedHeaders.frame(request, chunked, length);
        tryNextBackend(routes);
    }

    void onClientContent(HttpContent content) {
        if (done) {
            content.release();
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (bodyBytes > context.config.maxBodyBytes()) {
            content.release();
            requestComplete = true;
            reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body larger than " + context.config.maxBodyBytes()
                    + " bytes", false);
            return;
        }
        if (replayable && bodyBytes > context.config.replayBufferBytes()) {
            replayable = false;
            releaseAll(replay);
        }
        HttpContent send = content;
        if (content == LastHttpContent.EMPTY_LAST_CONTENT) {
            emptyEnd = true; // shared and not reference counted: nothing to keep for a replay
        } else if (replayable) {
            if (replay == null) {
                replay = new ArrayDeque<>(4);
            }
            replay.add(content);
            send = content.retainedDuplicate();
        }
        if (upstream != null && (pending == null || pending.isEmpty())) {
            writeToBackend(send);
        } else {
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            pending.add(send);
            if (upstream != null) {
                writePending();
            }
        }
    }

    void onClientReadComplete() {
        if (done) {
            return;
        }
        if (upstream != null) {
            upstream.flush();
            readClientWhenWritten();
        }
    }

    void onClientBadInput(Throwable cause) {
        requestComplete = true;
        reject(HttpResponseStatus.BAD_REQUEST, "malformed request body", false);
    }

    void onClientClosed() {
        if (done) {
            return;
        }
        done = true;
        dropUpstream(true);
        finish();
    }

    private void readClientWhenWritten() {
        if (requestComplete || done) {
            return;
        }
        if (lastBackendWrite == null || lastBackendWrite.isDone()) {
            client.read();
        } else {
            int a = attempt;
            lastBackendWrite.addListener(f -> {
                if (f.isSuccess() && !done && a == attempt && !requestComplete) {
                    client.read();
                }
            });
        }
    }

    // ---- choosing and connecting ----------------------------------------------------------------

    private void tryNextBackend(Routes routes) {
        Routes.Choice choice = routes.choose(pin, stickyVersion, tried);
        if (choice == null) {
            long waited = System.nanoTime() - startNanos;
            if (tried.isEmpty() && waited < context.config.pauseLimit().toNanos()) {
                // Hold the request while a switch completes (bounded by the pause limit).
                client.eventLoop().schedule(() -> {
                    if (!done) {
                        tryNextBackend(context.router.routes());
                    }
                }, 20, TimeUnit.MILLISECONDS);
                return;
            }
            if (tried.isEmpty()) {
                reject(HttpResponseStatus.SERVICE_UNAVAILABLE, "no ready backend", true);
            } else {
                fail(HttpResponseStatus.BAD_GATEWAY, "backend unreachable");
            }
            return;
        }
        if (version == null) {
            version = choice.version();
            metrics = choice.pinned() ? version.pinnedMetrics : version.metrics;
            metrics.requestStarted();
        } else {
            metrics.retried();
        }
        if (expectContinue) {
            expectContinue = false; // a backend has been chosen: the client may send its body
            client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        attempt++;
        backend = choice.backend(); // admitted: already counted in flight
        tried.add(backend);
        counted = backend;
        reached = false;
        wroteBody = false;
        Channel pooled = backend.pooled(client.eventLoop());
        if (pooled != null) {
            reused = true;
            useUpstream(pooled);
            return;
        }
        reused = false;
        int a = attempt;
        Backend target = backend;
        context.connect(target, client.eventLoop()).addListener((ChannelFutureListener) f -> {
            if (done || a != attempt) {
                if (f.isSuccess()) {
                    f.channel().close();
                }
                return;
            }
            if (f.isSuccess()) {
                target.track(f.channel());
                useUpstream(f.channel());
            } else {
                target.markFailed("connect: " + f.cause());
                retryOrFail(f.cause(), true);
            }
        });
    }

    private void useUpstream(Channel ch) {
        upstream = ch;
        upstreamHandler = ch.pipeline().get(BackendHandler.class);
        upstreamHandler.bind(this, backend);
        armTimeout();
        requestWrite = ch.write(request);
        lastBackendWrite = requestWrite;
        requestWrite.addListener(this);
        if (upgrade) {
            // An upgrade request has no body; what follows on the connection belongs to the new protocol.
            releaseAll(pending);
        }
        writePending();
        ch.flush();
        ch.read();
        readClientWhenWritten();
    }

    private void writePending() {
        if (pending == null) {
            return;
        }
        HttpContent c;
        while ((c = pending.poll()) != null) {
            writeToBackend(c);
        }
    }

    private void writeToBackend(HttpContent c) {
        if (c == LastHttpContent.EMPTY_LAST_CONTENT) {
            // Ends a request without a body: nothing waits on this write (the request is complete), and a
            // failure still reaches BackendHandler.exceptionCaught, so it needs no promise of its own.
            upstream.write(c, upstream.voidPromise());
            return;
        }
        wroteBody |= c.content().isReadable();
        lastBackendWrite = upstream.write(c);
    }

    /** The backend timeout of the current attempt, on the loop's shared timer (re-armed per attempt). */
    private void armTimeout() {
        timers.responses.arm(this, System.nanoTime());
    }

    private void cancelTimeout() {
        timers.responses.disarm(this);
    }

    /** The request head was written (or not); only the current attempt's write counts. */
    @Override
    public void operationComplete(ChannelFuture f) {
        if (f == requestWrite && f.isSuccess()) {
            reached = true;
        }
    }

    @Override
    void expired() {
        if (!done && !responseStarted) {
            dropUpstream(true);
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, "backend did not answer in time");
        }
    }

    // ---- backend side ---------------------------------------------------------------------------

    void onBackendRead(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse res) {
            int code = res.status().code();
            if (code >= 100 && code < 200 && code != 101) {
                ReferenceCountUtil.release(msg); // we answered Expect: 100-continue ourselves
                return;
            }
            cancelTimeout();
            status = code;
            responseStarted = true;
            switching = code == 101 && upgrade;
            ForwardedHeaders.response(res, keepAlive, switching);
            if (sticky && (stickyVersion == null || !stickyVersion.equals(version.name))) {
                StickyCookie.set(res, version.name);
            }
            front.headRequest(head);
            lastClientWrite = client.write(res);
            if (msg instanceof LastHttpContent) {
                responseComplete();
            }
        } else if (msg instanceof HttpContent content) {
            if (!responseStarted) {
                content.release();
                return;
            }
            lastClientWrite = client.write(content);
            if (content instanceof LastHttpContent) {
                responseComplete();
            }
        } else if (msg instanceof ByteBuf raw && switching) {
            // Bytes of the upgraded protocol decoded in the same read as the 101: bypass the codec.
            lastClientWrite = client.pipeline().firstContext().write(raw);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    void onBackendReadComplete() {
        client.flush();
        if (done || upstream == null) {
            return;
        }
        Channel up = upstream;
        if (lastClientWrite == null || lastClientWrite.isDone()) {
            up.read();
        } else {
            lastClientWrite.addListener(f -> {
                if (f.isSuccess() && up.isActive()) {
                    up.read();
                }
            });
        }
    }

    void onBackendClosed(Throwable cause) {
        if (done) {
            return;
        }
        dropUpstream(true);
        if (responseStarted) {
            // The response is cut; the client cannot be told otherwise than by closing.
            done = true;
            metrics.responded(502, System.nanoTime() - startNanos);
            client.flush();
            client.close();
            finish();
            return;
        }
        if (!reused && isReset(cause)) {
            tried.get(tried.size() - 1).markFailed("connection reset: " + cause);
        }
        retryOrFail(cause, false);
    }

    private void retryOrFail(Throwable cause, boolean connectFailed) {
        cancelTimeout();
        endAttempt();
        RetryRule.Progress progress = connectFailed ? RetryRule.Progress.NOT_CONNECTED
                : reached ? RetryRule.Progress.WRITTEN : RetryRule.Progress.NOTHING_WRITTEN;
        RetryRule.Decision decision = RetryRule.decide(progress, replayableMethod, replayable || !wroteBody,
                attempt < context.config.maxAttempts());
        boolean allowed = decision == RetryRule.Decision.RETRY
                || decision == RetryRule.Decision.RETRY_IF_BUDGET && takeRetry();
        if (allowed) {
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            if (replayable) {
                releaseAll(pending);
                if (replay != null) {
                    for (HttpContent c : replay) {
                        pending.add(c.retainedDuplicate());
                    }
                }
            }
            if (emptyEnd && !pending.contains(LastHttpContent.EMPTY_LAST_CONTENT)) {
                pending.add(LastHttpContent.EMPTY_LAST_CONTENT); // it went to the failed attempt
            }
            tryNextBackend(context.router.routes());
        } else {
            fail(HttpResponseStatus.BAD_GATEWAY, "backend unreachable");
        }
    }

    private boolean takeRetry() {
        if (!holdingRetry) {
            holdingRetry = context.retryBudget.tryAcquire();
        }
        return holdingRetry;
    }

    private static boolean isReset(Throwable cause) {
        return cause != null && !(cause instanceof ConnectException)
                && String.valueOf(cause.getMessage()).toLowerCase().contains("reset");
    }

    // ---- endings --------------------------------------------------------------------------------

    private void responseComplete() {
        done = true;
        cancelTimeout();
        metrics.responded(status, System.nanoTime() - startNanos);
        Channel up = upstream;
        Backend b = backend;
        upstream = null;
        if (switching) {
            switchToRelay(up, b);
        } else {
            upstreamHandler.bind(null, b);
            if (requestComplete && reusable()) {
                b.release(up, context.config.maxIdlePerLoop());
                if (up.isActive()) {
                    up.read(); // notices the backend closing the idle connection
                }
            } else {
                up.close();
            }
            endAttempt();
        }
        finish();
        client.flush();
        if (keepAlive && requestComplete && !switching) {
            front.exchangeDone(this);
        } else if (!switching) {
            lastClientWrite.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private boolean reusable() {
        return lastBackendWrite == null || !lastBackendWrite.isDone() || lastBackendWrite.isSuccess();
    }

    private void switchToRelay(Channel up, Backend b) {
        AtomicBoolean ended = new AtomicBoolean();
        b.upgradeStarted(); // before the request ends, so the backend never looks idle in between
        endAttempt();
        Runnable onClose = () -> {
            if (ended.compareAndSet(false, true)) {
                b.upgradeEnded();
            }
        };
        ChannelPipeline cp = client.pipeline();
        cp.addLast("relay", new Relay(up, onClose));
        cp.remove(FrontendHandler.class);
        cp.remove(Codecs.ResponseEncoder.class);
        cp.remove(Codecs.StrictRequestDecoder.class);
        ChannelPipeline bp = up.pipeline();
        bp.addLast("relay", new Relay(client, onClose));
        bp.remove(BackendHandler.class);
        bp.remove(HttpClientCodec.class);
        client.flush();
        client.read();
        up.read();
    }

    /** The proxy answers itself before any backend response; the request was not (fully) forwarded. */
    private void reject(HttpResponseStatus s, String detail, boolean keepAliveAllowed) {
        if (done) {
            return;
        }
        dropUpstream(true);
        done = true;
        cancelTimeout();
        if (metrics != null) {
            metrics.responded(s.code(), System.nanoTime() - startNanos);
        }
        if (responseStarted) {
            client.close();
            finish();
            return;
        }
        boolean ka = keepAliveAllowed && keepAlive && requestComplete;
        var res = Responses.error(s, detail, ka);
        if (s == HttpResponseStatus.SERVICE_UNAVAILABLE) {
            res.headers().setInt(HttpHeaderNames.RETRY_AFTER, context.config.retryAfterSeconds());
        }
        front.headRequest(head);
        ChannelFuture f = client.writeAndFlush(res);
        finish();
        if (ka) {
            front.exchangeDone(this);
        } else {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void fail(HttpResponseStatus s, String detail) {
        reject(s, detail, true);
    }

    /** Detaches from the current backend connection; closes it when asked (it is in an unknown state). */
    private void dropUpstream(boolean close) {
        Channel up = upstream;
        if (up != null) {
            upstream = null;
            upstreamHandler.bind(null, null);
            if (close) {
                up.close();
            }
        }
        endAttempt();
    }

    /** The current attempt no longer counts as in flight on its backend. */
    private void endAttempt() {
        Backend b = counted;
        if (b != null) {
            counted = null;
            b.requestEnded();
        }
    }

    private void finish() {
        cancelTimeout();
        releaseAll(replay);
        releaseAll(pending);
        if (metrics != null) {
            metrics.requestEnded();
        }
        if (holdingRetry) {
            context.retryBudget.release();
            holdingRetry = false;
        }
        context.retryBudget.requestEnded();
    }

    private static void releaseAll(ArrayDeque<HttpContent> q) {
        if (q == null) {
            return;
        }
        HttpContent c;
        while ((c = q.poll()) != null) {
            c.release();
        }
    }
}
