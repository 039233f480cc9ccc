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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ResponseDecoderTest {

    private record Decoded(List<Integer> statuses, String body, int ends, Malformed bad) {
    }

    private static Decoded decode(String input, int piece, boolean head, boolean close) {
        ResponseDecoder decoder = new ResponseDecoder();
        decoder.headRequest(head);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i += piece) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
        }
        if (close) {
            ch.close();
        }
        List<Integer> statuses = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        int ends = 0;
        Malformed bad = null;
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (m instanceof ResponseHead h) {
                statuses.add(h.status);
            } else if (m instanceof ByteBuf b) {
                body.append(b.toString(StandardCharsets.ISO_8859_1));
            } else if (m == RequestDecoder.END) {
                ends++;
            } else if (m instanceof Malformed x) {
                bad = x;
            }
            ReferenceCountUtil.release(m);
        }
        ch.finishAndReleaseAll();
        return new Decoded(statuses, body.toString(), ends, bad);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 1000})
    void framingIsFollowedInAnyPieces(int piece) {
        Decoded d = decode("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2;x\r\nab\r\n0\r\nT: 1\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n"
                + "HTTP/1.0 200 OK\r\n\r\nrest until close", piece, false, true);
        assertThat(d.bad()).isNull();
        assertThat(d.statuses()).containsExactly(100, 200, 200, 204, 200);
        assertThat(d.body()).isEqualTo("ok2;x\r\nab\r\n0\r\nT: 1\r\n\r\nrest until close");
        assertThat(d.ends()).as("no END for the interim 100").isEqualTo(4);
    }

    @Test
    void aResponseToHeadHasNoBodyAndA101LeavesTheRestToTheRelay() {
        Decoded head = decode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                1000, true, false);
        assertThat(head.statuses()).containsExactly(200, 200);
        assertThat(head.ends()).isEqualTo(2);
        Decoded upgraded = decode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi", 1000,
                false, false);
        assertThat(upgraded.statuses()).containsExactly(101);
        assertThat(upgraded.ends()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 2OO OK\r\n\r\n",
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
    })
    void malformedResponsesAreRefused(String input) {
        assertThat(decode(input, 1000, false, false).bad()).isNotNull();
        assertThat(decode(input, 2, false, false).bad()).isNotNull();
    }

    @Test
    void mutatedResponsesNeverThrowAndNeverLeak() {
        Random random = new Random(16);
        String valid = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
        byte[] alphabet = "HTTP/1.0 2:\r\n\tabcdef;Content-Length Transfer-Encoding chunked\u0000\u00ff"
                .getBytes(StandardCharsets.ISO_8859_1);
        for (int round = 0; round < 2000; round++) {
            byte[] input = valid.getBytes(StandardCharsets.ISO_8859_1);
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                input[random.nextInt(input.length)] = alphabet[random.nextInt(alphabet.length)];
            }
            List<ByteBuf> fed = new ArrayList<>();
            EmbeddedChannel ch = new EmbeddedChannel(new ResponseDecoder());
            int piece = 1 + random.nextInt(20);
            for (int i = 0; i < input.length; i += piece) {
                ByteBuf b = Unpooled.copiedBuffer(input, i, Math.min(piece, input.length - i));
                fed.add(b);
                ch.writeInbound(b);
            }
            ch.close();
            Object m;
            while ((m = ch.readInbound()) != null) {
                ReferenceCountUtil.release(m);
            }
            ch.finishAndReleaseAll();
            assertThat(fed).allMatch(b -> b.refCnt() == 0);
        }
    }
}
