package dev.baton.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
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
 * <p>Where it is, is one {@link ExchangePhase}, changed only through {@code to(...)} along the
 * phase's transition table. Whether a failed attempt is sent again is decided by {@link RetryRule}
 * alone, from how far the attempt got: never on a backend already tried, and only while the body is
 * still available (small bodies are kept for replay).
 *
 * <p>The head, parsed in place by {@link HeadParser}, is checked by {@link RequestChecks} before anything
 * is forwarded; the backend gets the original bytes of the lines the proxy keeps and the lines it owns
 * ({@link ForwardedHeaders#writeRequest}), with the body framed as the decoder read it, never from the
 * client's headers as they are. The body passes through as the bytes that came.
 *
 * <p>One exchange object serves every request of its client connection in turn ({@link #begin} resets it),
 * so the steady state allocates none per request. Callbacks that may outlive a request (a connect, a write
 * that completes later, a held request's retry) capture the {@link #epoch} they were made in and do nothing
 * once it has moved on.
 */
final class Exchange extends Deadline implements ChannelFutureListener {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final short CRLF_SHORT = ('\r' << 8) | '\n';
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    /** Body pieces up to this size are copied behind the response head instead of written on their own. */
    private static final int BATCH_PIECE = 1024;

    private final ProxyContext context;
    private final FrontendHandler front;
    private final Channel client;
    /** The client's head until {@link #start} has written what the backend gets; released there. */
    private RequestHead request;
    /** The head every attempt sends (built once; retries send a slice of it). */
    private ByteBuf forwardHead;
    private int forwardHeadLength;
    private boolean keepAlive;
    /** Safe to run twice: an idempotent method, or an {@code Idempotency-Key} from the client. */
    private boolean replayableMethod;
    private boolean upgrade;
    private boolean declineH2c;
    private boolean head;
    private long startNanos;
    /** Moves on with every request and every attempt: a callback made in an older epoch is stale. */
    private int epoch;
    private final LoopTimers timers;
    /** Backends this request was sent to, in order (cleared per request). */
    private final List<Backend> tried = new ArrayList<>(2);
    /** Body parts kept for a retry (allocated with the first one; most requests have no body). */
    private ArrayDeque<ByteBuf> replay;
    /** Body parts not yet written to the backend (allocated when one has to wait). */
    private ArrayDeque<ByteBuf> pending;

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
    /** How far the current attempt got, for {@link RetryRule}. */
    private RetryRule.Progress progress = RetryRule.Progress.NOT_CONNECTED;
    private boolean wroteBody;
    /** Where the exchange is; changes only in {@link #to}. */
    private ExchangePhase phase = ExchangePhase.ROUTING;
    /** The response's body is framed as chunks by the proxy (the backend delimited it by closing). */
    private boolean rechunk;
    /** The backend said it closes the connection after this response. */
    private boolean backendCloses;
    private boolean holdingRetry;
    private int attempt;
    private int status;
    private BackendHandler upstreamHandler;
    /** The write of the request head of the current attempt; its success means the backend was reached. */
    private ChannelFuture requestWrite;
    private ChannelFuture lastClientWrite;
    /** The response head and the small pieces after it not yet written to the client (see {@link #toClient}). */
    private ByteBuf batch;
    private ChannelFuture lastBackendWrite;

    Exchange(ProxyContext context, FrontendHandler front, Channel client) {
        this.context = context;
        this.front = front;
        this.client = client;
        this.timers = front.timers();
        this.phase = ExchangePhase.DONE;
    }

    /**
     * Starts over for the next request of the connection; the previous one is over ({@link ExchangePhase#DONE},
     * everything it held released by {@link #finish}).
     */
    void begin(RequestHead request) {
        epoch++;
        this.request = request;
        startNanos = System.nanoTime();
        tried.clear();
        forwardHead = null;
        forwardHeadLength = 0;
        pin = null;
        expectContinue = false;
        metrics = null;
        stickyVersion = null;
        sticky = false;
        bodyBytes = 0;
        requestComplete = false;
        version = null;
        backend = null;
        counted = null;
        upstream = null;
        reused = false;
        progress = RetryRule.Progress.NOT_CONNECTED;
        wroteBody = false;
        phase = ExchangePhase.ROUTING;
        rechunk = false;
        backendCloses = false;
        holdingRetry = false;
        attempt = 0;
        status = 0;
        upstreamHandler = null;
        requestWrite = null;
        lastClientWrite = null;
        batch = null;
        lastBackendWrite = null;
        this.keepAlive = request.keepAlive();
        RequestHead.Method m = request.method;
        this.replayableMethod = switch (m) {
            case GET, HEAD, OPTIONS, PUT, DELETE, TRACE -> true;
            default -> request.idempotencyKey;
        };
        this.head = m == RequestHead.Method.HEAD;
        this.declineH2c = ForwardedHeaders.offersCleartextHttp2(request);
        this.upgrade = !declineH2c && request.upgradeLine >= 0 && request.connectionUpgrade;
        this.replayable = context.config.replayBufferBytes() > 0;
    }

    boolean acceptsRequestContent() {
        return !requestComplete && !phase.terminal();
    }

    // ---- client side ----------------------------------------------------------------------------

    void start() {
        context.retryBudget.requestStarted();
        RequestHead h = request;
        try {
            if (admit(h)) {
                tryNextBackend(context.router.routes());
            }
        } finally {
            request = null;
            h.release();
        }
    }

    /** Checks the head and writes what the backend gets; false when the proxy answered instead. */
    private boolean admit(RequestHead h) {
        RequestChecks.Rejection refused = RequestChecks.check(h);
        if (refused != null) {
            context.rejected.increment();
            front.rejectedRequest(refused);
            reject(refused.status(), refused.reason(), false);
            return false;
        }
        if (h.contentLength > context.config.maxBodyBytes()) {
            requestComplete = true; // we will not read the body; the connection closes after the answer
            reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body larger than " + context.config.maxBodyBytes()
                    + " bytes", false);
            return false;
        }
        expectContinue = h.expectContinue;
        RequestTarget absolute = h.originOrAsteriskForm() ? null : RequestTarget.absolute(h.target());
        Routes routes = context.router.routes();
        if (front.preview()) {
            pin = routes.table.preview();
            if (pin == null) {
                reject(HttpResponseStatus.SERVICE_UNAVAILABLE, "no version on preview", true);
                return false;
            }
        } else {
            PinRule pinRule = routes.table.pin();
            if (pinRule != null && pinRule.trusts(front.clientAddress())) {
                List<String> named = h.values(pinRule.header());
                pin = named.isEmpty() ? null : named.get(0);
            }
        }
        sticky = routes.table.sticky() && !front.preview();
        if (sticky) {
            stickyVersion = StickyCookie.read(h);
        }
        forwardHead = client.alloc().buffer(h.bytes().readableBytes() + 256);
        ForwardedHeaders.writeRequest(h, forwardHead, absolute == null ? null : absolute.originForm(),
                absolute == null ? null : absolute.authority(), front.clientIp(), front.trustedPeer(), upgrade,
                declineH2c);
        forwardHeadLength = forwardHead.readableBytes();
        return true;
    }

    /** The end of the request's body (or of a request without one). */
    void onClientEnd() {
        if (!phase.terminal()) {
            requestComplete = true;
        }
    }

    void onClientContent(ByteBuf content) {
        if (phase.terminal()) {
            content.release();
            return;
        }
        bodyBytes += content.readableBytes();
        if (replayable && bodyBytes > context.config.replayBufferBytes()) {
            replayable = false;
            releaseAll(replay);
        }
        ByteBuf send = content;
        if (replayable) {
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
        if (phase.terminal()) {
            return;
        }
        if (upstream != null) {
            upstream.flush();
            readClientWhenWritten();
        }
    }

    void onClientBadInput(Malformed bad) {
        requestComplete = true;
        reject(bad.status(), bad.getMessage(), false);
    }

    void onClientClosed() {
        if (phase.terminal()) {
            return;
        }
        to(ExchangePhase.DONE);
        dropUpstream(true);
        finish();
    }

    private void readClientWhenWritten() {
        if (requestComplete || phase.terminal()) {
            return;
        }
        if (lastBackendWrite == null || lastBackendWrite.isDone()) {
            client.read();
        } else {
            int e = epoch;
            lastBackendWrite.addListener(f -> {
                if (f.isSuccess() && !phase.terminal() && e == epoch && !requestComplete) {
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
                int e = epoch;
                client.eventLoop().schedule(() -> {
                    if (phase == ExchangePhase.ROUTING && e == epoch) {
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
        epoch++;
        backend = choice.backend(); // admitted: already counted in flight
        tried.add(backend);
        counted = backend;
        progress = RetryRule.Progress.NOT_CONNECTED;
        wroteBody = false;
        Channel pooled = backend.pooled(client.eventLoop());
        if (pooled != null) {
            reused = true;
            useUpstream(pooled);
            return;
        }
        reused = false;
        to(ExchangePhase.CONNECTING);
        int e = epoch;
        Backend target = backend;
        context.connect(target, client.eventLoop()).addListener((ChannelFutureListener) f -> {
            if (phase != ExchangePhase.CONNECTING || e != epoch) {
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
                retryOrFail();
            }
        });
    }

    private void useUpstream(Channel ch) {
        to(ExchangePhase.AWAITING);
        progress = RetryRule.Progress.NOTHING_WRITTEN;
        upstream = ch;
        upstreamHandler = ch.pipeline().get(BackendHandler.class);
        upstreamHandler.bind(this, backend);
        upstreamHandler.headRequest(head);
        armTimeout();
        // The first attempt sends the head itself; a retry sends it again from its start.
        ByteBuf headBytes = attempt == 1 ? forwardHead.retain() : forwardHead.retainedSlice(0, forwardHeadLength);
        requestWrite = ch.write(headBytes);
        lastBackendWrite = requestWrite;
        requestWrite.addListener(this);
        if (upgrade) {
            // An upgrade request has no body; what follows on the connection belongs to the new protocol.
            releaseAll(pending);
        }
        writePending();
        ch.read();
        if (!front.inReadBatch()) {
            ch.flush();
            readClientWhenWritten();
        } // else the end of the client's read batch flushes and reads on (onClientReadComplete), once
    }

    private void writePending() {
        if (pending == null) {
            return;
        }
        ByteBuf c;
        while ((c = pending.poll()) != null) {
            writeToBackend(c);
        }
    }

    private void writeToBackend(ByteBuf c) {
        wroteBody |= c.isReadable();
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
        if (f == requestWrite && f.isSuccess() && progress == RetryRule.Progress.NOTHING_WRITTEN) {
            progress = RetryRule.Progress.WRITTEN;
        }
    }

    @Override
    void expired() {
        if (phase.beforeResponse()) {
            dropUpstream(true);
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, "backend did not answer in time");
        }
    }

    // ---- backend side ---------------------------------------------------------------------------

    void onBackendRead(Object msg) {
        if (phase.terminal()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ResponseHead res) {
            try {
                responseHead(res);
            } finally {
                res.release();
            }
        } else if (msg instanceof ByteBuf raw) {
            if (phase != ExchangePhase.RESPONDING) {
                raw.release();
            } else if (rechunk) {
                writeChunk(raw);
            } else {
                toClient(raw);
            }
        } else if (msg == RequestDecoder.END) {
            if (phase == ExchangePhase.RESPONDING) {
                if (rechunk) {
                    toClient(Unpooled.wrappedBuffer(LAST_CHUNK));
                }
                if (batch != null && keepAlive && requestComplete && status != 101) {
                    // The last write of a response after which the connection stays open: nothing waits
                    // for it (a failure closes the connection through exceptionCaught), so no promise.
                    ByteBuf b = batch;
                    batch = null;
                    clientOut().write(b, client.voidPromise());
                } else {
                    writeBatch();
                }
                responseComplete();
            }
        } else if (msg instanceof Malformed bad) {
            onBackendClosed(bad);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void responseHead(ResponseHead res) {
        int code = res.status;
        if (code >= 100 && code < 200 && code != 101) {
            return; // we answered Expect: 100-continue ourselves
        }
        if (code == 101 && !upgrade) {
            onBackendClosed(Malformed.badRequest("101 to a request that did not ask to switch protocols"));
            return;
        }
        cancelTimeout();
        status = code;
        to(ExchangePhase.RESPONDING);
        progress = RetryRule.Progress.RESPONSE_STARTED;
        boolean switching = code == 101;
        backendCloses = res.close;
        boolean declareChunked = !switching && !res.chunked && res.contentLength < 0 && code >= 200 && code != 204
                && code != 304;
        rechunk = declareChunked && !res.bodiless(head);
        String cookie = sticky && (stickyVersion == null || !stickyVersion.equals(version.name))
                ? StickyCookie.header(version.name) : null;
        ByteBuf out = client.alloc().buffer(res.bytes().readableBytes() + 64);
        ForwardedHeaders.writeResponse(res, out, keepAlive, switching, declareChunked, cookie);
        batch = out; // written with what follows in this read, as one buffer when that is small
    }

    /**
     * Bytes for the client: a small piece joins the batch that begins with the response head (one
     * buffer, one write for a small response); anything else is written after the batch.
     */
    private void toClient(ByteBuf b) {
        if (batch != null && b.readableBytes() <= BATCH_PIECE) {
            ByteCopy.copy(b, batch);
            b.release();
            return;
        }
        writeBatch();
        lastClientWrite = clientOut().write(b);
    }

    /** Writes the batch, if any (at the end of a read from the backend, or before a large piece). */
    private void writeBatch() {
        ByteBuf b = batch;
        if (b != null) {
            batch = null;
            lastClientWrite = clientOut().write(b);
        }
    }

    /** A piece of a body the backend delimited by closing, framed as one chunk for the client. */
    private void writeChunk(ByteBuf raw) {
        if (!raw.isReadable()) {
            raw.release();
            return;
        }
        ByteBuf size = client.alloc().buffer(12);
        size.writeCharSequence(Integer.toHexString(raw.readableBytes()), StandardCharsets.US_ASCII);
        size.writeShort(CRLF_SHORT);
        writeBatch();
        clientOut().write(size, client.voidPromise());
        clientOut().write(raw, client.voidPromise());
        lastClientWrite = clientOut().write(Unpooled.wrappedBuffer(CRLF));
    }

    /** Writes that bypass the client's response encoder: the bytes are already HTTP/1.1. */
    private ChannelHandlerContext clientOut() {
        return client.pipeline().firstContext();
    }

    void onBackendReadComplete() {
        writeBatch();
        client.flush();
        if (phase.terminal() || upstream == null) {
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
        if (phase.terminal()) {
            return;
        }
        dropUpstream(true);
        if (phase == ExchangePhase.RESPONDING) {
            // The response is cut; the client cannot be told otherwise than by closing.
            to(ExchangePhase.DONE);
            metrics.responded(502, System.nanoTime() - startNanos);
            writeBatch();
            client.flush();
            client.close();
            finish();
            return;
        }
        if (!reused && isReset(cause)) {
            tried.get(tried.size() - 1).markFailed("connection reset: " + cause);
        }
        retryOrFail();
    }

    private void retryOrFail() {
        cancelTimeout();
        endAttempt();
        RetryRule.Decision decision = RetryRule.decide(progress, replayableMethod, replayable || !wroteBody,
                attempt < context.config.maxAttempts());
        boolean allowed = decision == RetryRule.Decision.RETRY
                || decision == RetryRule.Decision.RETRY_IF_BUDGET && takeRetry();
        if (allowed) {
            to(ExchangePhase.ROUTING);
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            if (replayable) {
                releaseAll(pending);
                if (replay != null) {
                    for (ByteBuf c : replay) {
                        pending.add(c.retainedDuplicate());
                    }
                }
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

    /** The one place the phase changes; a move the table does not allow is a bug, loudly. */
    private void to(ExchangePhase next) {
        if (!phase.canGo(next)) {
            throw new IllegalStateException("exchange cannot go from " + phase + " to " + next);
        }
        phase = next;
    }

    private void responseComplete() {
        boolean switching = status == 101;
        to(switching ? ExchangePhase.SWITCHED : ExchangePhase.DONE);
        cancelTimeout();
        metrics.responded(status, System.nanoTime() - startNanos);
        Channel up = upstream;
        Backend b = backend;
        upstream = null;
        if (switching) {
            switchToRelay(up, b);
        } else {
            upstreamHandler.bind(null, b);
            if (requestComplete && reusable() && !backendCloses) {
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
        cp.remove(RequestDecoder.class);
        ChannelPipeline bp = up.pipeline();
        bp.addLast("relay", new Relay(client, onClose));
        bp.remove(BackendHandler.class);
        bp.remove(ResponseDecoder.class);
        client.flush();
        client.read();
        up.read();
    }

    /** The proxy answers itself before any backend response; the request was not (fully) forwarded. */
    private void reject(HttpResponseStatus s, String detail, boolean keepAliveAllowed) {
        if (phase.terminal()) {
            return;
        }
        boolean responseStarted = phase == ExchangePhase.RESPONDING;
        dropUpstream(true);
        to(ExchangePhase.DONE);
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
        if (batch != null) {
            batch.release(); // a response cut before its batch was written
            batch = null;
        }
        if (forwardHead != null) {
            forwardHead.release();
            forwardHead = null;
        }
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

    private static void releaseAll(ArrayDeque<ByteBuf> q) {
        if (q == null) {
            return;
        }
        ByteBuf c;
        while ((c = q.poll()) != null) {
            c.release();
        }
    }
}
