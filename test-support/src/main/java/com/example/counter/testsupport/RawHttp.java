package com.example.counter.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte by byte, for the requests that a well-behaved client library refuses to
 * send: paths with {@code ..}, duplicate or non-ASCII headers, odd methods. The response is read
 * by {@link ReplyReader}.
 */
public final class RawHttp {

    /** What came back: status, headers (names in lower case; the last value wins) and body. */
    public record Reply(int status, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    private final URI base;

    public RawHttp(URI base) {
        this.base = base;
    }

    /**
     * Sends {@code method target HTTP/1.1}, the given header lines (each "Name: value", as UTF-8
     * bytes: non-ASCII ones are what some tests send), and the body, with Connection: close.
     */
    public Reply send(String method, String target, byte[] body, String... headerLines) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (String line : headerLines) {
                request.writeBytes(line.getBytes(StandardCharsets.UTF_8));
                request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            if (body.length > 0) {
                request.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(body);
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            return ReplyReader.read(in, "HEAD".equals(method));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target, e);
        }
    }

    public Reply send(String method, String target, String... headerLines) {
        return send(method, target, new byte[0], headerLines);
    }
}
