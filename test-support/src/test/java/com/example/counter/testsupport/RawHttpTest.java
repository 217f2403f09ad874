package com.example.counter.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** RawHttp against a server that answers with exactly the bytes each test gives it. */
class RawHttpTest {

    /** Characters of two, three and four bytes in UTF-8. */
    private static final String TEXT = "caf\u00e9 \u20ac5 \ud83d\ude00";

    @Test
    void chunkSizesCountBytesSoCharactersSplitAcrossChunksStayWhole() throws IOException {
        byte[] utf8 = TEXT.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=UTF-8\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"));
        // Each chunk but the last ends inside a character: after the first byte of é, inside €,
        // inside the emoji. The first chunk carries an extension, as the grammar allows.
        int[] cuts = {0, 4, 7, utf8.length - 2, utf8.length};
        for (int i = 1; i < cuts.length; i++) {
            int size = cuts[i] - cuts[i - 1];
            response.writeBytes(ascii(Integer.toHexString(size) + (i == 1 ? ";name=value" : "") + "\r\n"));
            response.write(utf8, cuts[i - 1], size);
            response.writeBytes(ascii("\r\n"));
        }
        response.writeBytes(ascii("0\r\nTrailer-Field: ignored\r\n\r\n"));

        RawHttp.Reply reply = sendTo(response.toByteArray(), "GET");

        assertEquals(200, reply.status());
        assertEquals(TEXT, reply.body());
    }

    @Test
    void contentLengthCountsBytesAndEndsTheBody() throws IOException {
        byte[] utf8 = TEXT.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(ascii("HTTP/1.1 404 Not Found\r\nContent-Type: application/problem+json\r\n"
                + "X-Twice: first\r\nx-twice: second\r\nContent-Length: " + utf8.length + "\r\n\r\n"));
        response.writeBytes(utf8);
        response.writeBytes(ascii("bytes past the Content-Length"));

        RawHttp.Reply reply = sendTo(response.toByteArray(), "GET");

        assertEquals(404, reply.status());
        assertEquals(TEXT, reply.body(), "the body is Content-Length bytes, not characters");
        assertEquals("second", reply.header("X-Twice"), "names are case-insensitive; the last value wins");
    }

    @Test
    void withoutLengthTheBodyRunsToTheCloseInTheCharsetOfItsContentType() throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n\r\n"));
        response.writeBytes("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));

        assertEquals("caf\u00e9", sendTo(response.toByteArray(), "GET").body());
    }

    @Test
    void aResponseToHeadHasNoBodyWhateverItsHeadersSay() throws IOException {
        byte[] response = ascii("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n");

        assertEquals("", sendTo(response, "HEAD").body());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The reply to a request to a one-shot server (an ephemeral loopback port) that sends {@code response}. */
    private static RawHttp.Reply sendTo(byte[] response, String method) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answer(server, response), "one-shot HTTP server");
            answering.setDaemon(true);
            answering.start();
            // A made-up server, not the API: its replies are not the contract's business.
            return new RawHttp(URI.create("http://127.0.0.1:" + server.getLocalPort())).outsideTheContract()
                    .send(method, "/");
        }
    }

    private static void answer(ServerSocket server, byte[] response) {
        try (Socket connection = server.accept()) {
            connection.getOutputStream().write(response);
            connection.shutdownOutput();
            // Read the request until the client closes: closing with it unread would reset the
            // connection under the client.
            connection.getInputStream().readAllBytes();
        } catch (IOException e) {
            // The client went away (it may close with bytes past Content-Length unread): what it
            // read is what the test checks.
        }
    }
}
