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
 * by {@link ReplyReader}, and checked against the API's OpenAPI document ({@link Contract}) unless
 * the request is one that Liberty refuses before any application code runs.
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
    private final boolean checked;

    public RawHttp(URI base) {
        this(base, true);
    }

    private RawHttp(URI base, boolean checked) {
        this.base = base;
        this.checked = checked;
    }

    /** For requests that Liberty's HTTP layer refuses itself, with its own bare answer (see the README's limits). */
    public RawHttp outsideTheContract() {
        return new RawHttp(base, false);
    }

    /**
     * Sends {@code method target HTTP/1.1}, the given header lines (each "Name: value", as UTF-8
     * bytes: non-ASCII ones are what some tests send), and the body, with Connection: close.
     */
    public Reply send(String method, String target, byte[] body, String... headerLines) {
        return send(method, target, body, true, headerLines);
    }

    /**
     * Sends the body bytes exactly as given, framed only by the caller's header lines (no
     * Content-Length is added): chunked bodies, malformed ones, lengths that disagree.
     */
    public Reply sendFramed(String method, String target, byte[] framedBody, String... headerLines) {
        return send(method, target, framedBody, false, headerLines);
    }

    private Reply send(String method, String target, byte[] body, boolean addLength, String... headerLines) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (String line : headerLines) {
                request.writeBytes(line.getBytes(StandardCharsets.UTF_8));
                request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            if (addLength && body.length > 0) {
                request.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(body);
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Reply reply = ReplyReader.read(in, "HEAD".equals(method));
            if (checked) {
                Contract.get().check(method, URI.create(target.startsWith("/") ? target : "/" + target), reply.status(),
                        reply::header, reply.body());
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target, e);
        }
    }

    public Reply send(String method, String target, String... headerLines) {
        return send(method, target, new byte[0], headerLines);
    }
}
