package dev.baton.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The WebSocket frames and the kubelet's port-forward messages the node agent speaks, byte for byte. */
class WebSocketFrameTest {
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    @Test
    void aMaskedClientFrameIsReadAsItsPlainPayload() throws IOException {
        // RFC 6455 5.7: a single-frame masked text message "Hello"
        byte[] wire = HexFormat.of().parseHex("818537fa213d7f9f4d5158");
        WebSocketFrame f = WebSocketFrame.read(new ByteArrayInputStream(wire));
        assertThat(f.fin()).isTrue();
        assertThat(f.opcode()).isEqualTo(WebSocketFrame.TEXT);
        assertThat(new String(f.payload(), StandardCharsets.UTF_8)).isEqualTo("Hello");
    }

    @Test
    void aServerFrameIsWrittenUnmaskedAndAClientFrameMasked() throws IOException {
        byte[] hello = "Hello".getBytes(StandardCharsets.UTF_8);
        assertThat(HexFormat.of().formatHex(write(WebSocketFrame.of(WebSocketFrame.TEXT, hello), null)))
                .isEqualTo("810548656c6c6f");
        assertThat(HexFormat.of().formatHex(write(WebSocketFrame.of(WebSocketFrame.TEXT, hello), MASK)))
                .isEqualTo("818537fa213d7f9f4d5158");
    }

    @Test
    void everyLengthEncodingRoundTrips() throws IOException {
        for (int n : new int[] {0, 1, 125, 126, 127, 65535, 65536, 200_000}) {
            byte[] payload = new byte[n];
            Arrays.fill(payload, (byte) (n % 251));
            for (byte[] mask : new byte[][] {null, MASK}) {
                byte[] wire = write(new WebSocketFrame(n % 2 == 0, WebSocketFrame.BINARY, payload), mask);
                int header = 2 + (n < 126 ? 0 : n <= 0xFFFF ? 2 : 8) + (mask == null ? 0 : 4);
                assertThat(wire).as("frame of %d bytes", n).hasSize(header + n);
                WebSocketFrame back = WebSocketFrame.read(new ByteArrayInputStream(wire));
                assertThat(back.payload()).as("payload of %d bytes", n).isEqualTo(payload);
                assertThat(back.fin()).isEqualTo(n % 2 == 0);
                assertThat(back.opcode()).isEqualTo(WebSocketFrame.BINARY);
            }
        }
    }

    @Test
    void aStreamThatEndsBetweenFramesIsTheEndAndOneThatEndsInsideAFrameIsAnError() throws IOException {
        assertThat(WebSocketFrame.read(new ByteArrayInputStream(new byte[0]))).isNull();
        byte[] wire = write(WebSocketFrame.of(WebSocketFrame.BINARY, new byte[300]), MASK);
        for (int cut : new int[] {1, 3, 6, wire.length - 1}) {
            assertThatThrownBy(() -> WebSocketFrame.read(new ByteArrayInputStream(Arrays.copyOf(wire, cut))))
                    .as("cut at %d", cut).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void aFrameLongerThanTheLimitIsRefusedBeforeItsPayloadIsRead() {
        byte[] head = HexFormat.of().parseHex("827f00000000ffffffff");
        assertThatThrownBy(() -> WebSocketFrame.read(new ByteArrayInputStream(head)))
                .isInstanceOf(IOException.class).hasMessageContaining("at most");
    }

    @Test
    void theAcceptKeyIsTheOneOfTheRfcExample() {
        assertThat(WebSocketFrame.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void eachChannelOpensWithItsByteAndThePortLittleEndian() {
        assertThat(KubeletPortForward.portHeader(0, 7070)).containsExactly(0, 0x9e, 0x1b);
        assertThat(KubeletPortForward.portHeader(3, 443)).containsExactly(3, 0xbb, 0x01);
        assertThat(KubeletPortForward.message(2, "abc".getBytes(StandardCharsets.UTF_8), 2)).containsExactly(2, 'a', 'b');
    }

    @Test
    void thePortsOfARequestAreReadInOrderFromEveryPortsParameter() {
        assertThat(KubeletPortForward.ports("ports=7070")).containsExactly(7070);
        assertThat(KubeletPortForward.ports("ports=80%2C443&ports=8080")).containsExactly(80, 443, 8080);
        assertThat(KubeletPortForward.ports("")).isEmpty();
        assertThatThrownBy(() -> KubeletPortForward.ports("ports=70000"))
                .hasMessage("ports: must be 1..65535, got 70000");
    }

    private static byte[] write(WebSocketFrame f, byte[] mask) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.write(out, mask);
        return out.toByteArray();
    }
}
