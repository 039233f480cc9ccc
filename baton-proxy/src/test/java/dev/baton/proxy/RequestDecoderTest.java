package dev.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestDecoderTest {

    private static final ProxyConfig CONFIG = ProxyConfig.builder().maxInitialLineBytes(256).maxHeaderBytes(1024)
            .maxBodyBytes(1000).build();

    private final List<Object> kept = new ArrayList<>();

    @AfterEach
    void release() {
        kept.forEach(ReferenceCountUtil::release);
    }

    /** Feeds {@code input} in pieces of {@code piece} bytes and returns what the decoder passed on. */
    private List<Object> decode(String input, int piece) {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(CONFIG));
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i += piece) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
        }
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
            kept.add(m);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    private static String bodyOf(List<Object> out) {
        StringBuilder sb = new StringBuilder();
        out.stream().filter(ByteBuf.class::isInstance)
                .forEach(b -> sb.append(((ByteBuf) b).toString(StandardCharsets.ISO_8859_1)));
        return sb.toString();
    }

    @Test
    void aHeadInADirectBufferAfterOtherBytesIsParsedWithSpansOverThoseBytes() throws Malformed {
        String head = "GET /x HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n";
        ByteBuf direct = Unpooled.directBuffer(256);
        direct.writeCharSequence("ignored bytes before", StandardCharsets.ISO_8859_1);
        int start = direct.writerIndex();
        direct.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        direct.readerIndex(start);

        RequestHead h = HeadParser.parse(direct, 256, 1024);

        assertThat(h.bytes()).isSameAs(direct);
        assertThat(h.target()).isEqualTo("/x");
        assertThat(h.lineCount).isEqualTo(2);
        assertThat(h.value(h.hostLine)).isEqualTo("shop");
        assertThat(h.keepAlive()).isFalse();
        h.release();
    }

    @Test
    void aHeadIsFilledAgainOnlyOnceItsTakerReleasedIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(CONFIG));
        ch.writeInbound(Unpooled.copiedBuffer("GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /two HTTP/1.1\r\nHost: b\r\nX-More: 1\r\n\r\n", StandardCharsets.ISO_8859_1));
        RequestHead first = ch.readInbound();
        assertThat(ch.<Object>readInbound()).isSameAs(RequestDecoder.END);
        RequestHead second = ch.readInbound();
        assertThat(ch.<Object>readInbound()).isSameAs(RequestDecoder.END);

        assertThat(second).as("decoded while the first was still held").isNotSameAs(first);
        assertThat(first.target()).isEqualTo("/one");
        assertThat(first.value(first.hostLine)).isEqualTo("a");
        first.release();
        second.release();

        ch.writeInbound(Unpooled.copiedBuffer("GET /three HTTP/1.1\r\nHost: c\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        RequestHead third = ch.readInbound();
        assertThat(third).as("the last head, released, is filled again").isSameAs(second);
        assertThat(third.target()).isEqualTo("/three");
        assertThat(third.lineCount).isEqualTo(1);
        assertThat(third.value(third.hostLine)).isEqualTo("c");
        third.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void aHeadIsParsedInPlaceWithTheFactsRoutingAndFramingNeed() {
        List<Object> out = decode("POST /a?b=1 HTTP/1.1\r\nHost: shop:8080\r\nContent-Length: 3\r\n"
                + "Connection: keep-alive, X-Secret\r\nX-Secret: s\r\nIdempotency-Key: k\r\n\r\nabc", 1000);
        RequestHead h = (RequestHead) out.get(0);
        assertThat(h.method).isEqualTo(RequestHead.Method.POST);
        assertThat(h.target()).isEqualTo("/a?b=1");
        assertThat(h.minorVersion).isEqualTo(1);
        assertThat(h.value(h.hostLine)).isEqualTo("shop:8080");
        assertThat(h.contentLength).isEqualTo(3);
        assertThat(h.connectionKeepAlive).isTrue();
        assertThat(h.connectionNames).containsExactly("x-secret");
        assertThat(h.idempotencyKey).isTrue();
        assertThat(h.lineCount).isEqualTo(5);
        assertThat(bodyOf(out)).isEqualTo("abc");
        assertThat(out.getLast()).isSameAs(RequestDecoder.END);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 1000})
    void pipelinedRequestsInAnyPiecesGiveTheSameMessagesAndBytes(int piece) {
        String chunked = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer-A: t\r\n\r\n";
        String fixed = "PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd";
        String none = "\r\nGET /n HTTP/1.0\r\n\r\n";
        List<Object> out = decode(chunked + fixed + none, piece);
        List<RequestHead> heads = out.stream().filter(RequestHead.class::isInstance).map(RequestHead.class::cast)
                .toList();
        assertThat(heads).extracting(RequestHead::target).containsExactly("/c", "/f", "/n");
        assertThat(heads.get(0).chunked).isTrue();
        assertThat(out.stream().filter(m -> m == RequestDecoder.END).count()).isEqualTo(3);
        assertThat(bodyOf(out)).as("chunk framing and trailers pass through as they came")
                .isEqualTo("5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer-A: t\r\n\r\nabcd");
        assertThat(out).noneMatch(Malformed.class::isInstance);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GARBAGE\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\n\n",
        "GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1 \r\nHost: x\r\n\r\n",
        "GET / HTTX/1.1\r\nHost: x\r\n\r\n",
        "GET /\u0001 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +4\r\n\r\nabcd",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4 4\r\n\r\nabcd",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno colon\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
    })
    void malformedInputIs400AndNothingAfterItIsPassedOn(String input) {
        for (int piece : new int[] {1, 5, 1000}) {
            List<Object> out = decode(input + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n", piece);
            Malformed bad = (Malformed) out.stream().filter(Malformed.class::isInstance).findFirst().orElseThrow(
                    () -> new AssertionError("no Malformed for " + input.replace("\r\n", "\\r\\n") + " in " + out));
            assertThat(bad.status().code()).isEqualTo(400);
            assertThat(out.getLast()).as("nothing after bad input").isSameAs(bad);
            assertThat(out).noneMatch(m -> m instanceof RequestHead h && h.target().equals("/next"));
        }
    }

    @Test
    void limitsAnswer414431And413() {
        assertThat(status(decode("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\n\r\n", 1000))).isEqualTo(414);
        assertThat(status(decode("GET /" + "a".repeat(300), 1000))).as("line still incomplete").isEqualTo(414);
        assertThat(status(decode("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1100) + "\r\n\r\n", 1000)))
                .isEqualTo(431);
        assertThat(status(decode("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1100), 7))).isEqualTo(431);
        String chunk = Integer.toHexString(600) + "\r\n" + "y".repeat(600) + "\r\n";
        assertThat(status(decode("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk
                + "0\r\n\r\n", 100))).isEqualTo(413);
        assertThat(status(decode("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "fffffffffffffffffff\r\n", 100))).isEqualTo(413);
    }

    private static int status(List<Object> out) {
        return out.stream().filter(Malformed.class::isInstance).map(m -> ((Malformed) m).status().code())
                .findFirst().orElse(-1);
    }

    @Test
    void randomBytesAndMutationsOfValidRequestsNeverThrowAndNeverLeak() {
        Random random = new Random(15);
        String valid = "POST /x HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\nGET /y HTTP/1.1\r\nHost: shop\r\nContent-Length: 2\r\n\r\nhi";
        byte[] alphabet = "GET POST/ HTTP1.:\r\n\t;0123456789abcdefHost Content-Length Transfer-Encoding chunked\u0000\u00ff"
                .getBytes(StandardCharsets.ISO_8859_1);
        for (int round = 0; round < 3000; round++) {
            byte[] input;
            if (round % 2 == 0) {
                input = valid.getBytes(StandardCharsets.ISO_8859_1);
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    input[random.nextInt(input.length)] = alphabet[random.nextInt(alphabet.length)];
                }
            } else {
                input = new byte[random.nextInt(200)];
                for (int i = 0; i < input.length; i++) {
                    input[i] = alphabet[random.nextInt(alphabet.length)];
                }
            }
            EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(CONFIG));
            List<ByteBuf> fed = new ArrayList<>();
            int piece = 1 + random.nextInt(20);
            for (int i = 0; i < input.length; i += piece) {
                ByteBuf b = Unpooled.copiedBuffer(input, i, Math.min(piece, input.length - i));
                fed.add(b);
                ch.writeInbound(b);
            }
            Object m;
            boolean malformed = false;
            while ((m = ch.readInbound()) != null) {
                assertThat(malformed).as("nothing after Malformed").isFalse();
                if (m instanceof Malformed bad) {
                    malformed = true;
                    assertThat(bad.status().code()).isBetween(400, 599);
                }
                ReferenceCountUtil.release(m);
            }
            ch.finishAndReleaseAll();
            assertThat(fed).allMatch(b -> b.refCnt() == 0);
        }
    }
}
