package com.example.counter.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one HTTP/1.1 response off a connection, on bytes (RFC 9112): Content-Length and chunk sizes
 * count bytes, so a multi-byte character split across chunks stays whole; only the finished body is
 * decoded to text, in the charset its Content-Type names (UTF-8 if none).
 */
final class ReplyReader {

    private static final Pattern CHARSET = Pattern.compile(";\\s*charset=\"?([^\";\\s]+)", Pattern.CASE_INSENSITIVE);

    private final InputStream in;

    private ReplyReader(InputStream in) {
        this.in = in;
    }

    /**
     * @param in the connection's input, buffered (it is read a byte at a time up to the body)
     * @param toHead whether the request was a HEAD, whose response has headers but never a body
     */
    static RawHttp.Reply read(InputStream in, boolean toHead) throws IOException {
        return new ReplyReader(in).reply(toHead);
    }

    private RawHttp.Reply reply(boolean toHead) throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = fields();
        boolean bodiless = toHead || status < 200 || status == 204 || status == 304;
        byte[] body = bodiless ? new byte[0] : body(headers);
        return new RawHttp.Reply(status, headers, new String(body, charset(headers.get("content-type"))));
    }

    /** Header (or trailer) fields up to the empty line: names in lower case, the last value wins. */
    private Map<String, String> fields() throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IOException("not a header field: " + line);
            }
            fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return fields;
    }

    private byte[] body(Map<String, String> headers) throws IOException {
        String transferEncoding = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
        if (transferEncoding.endsWith("chunked")) {
            return chunked();
        }
        String contentLength = headers.get("content-length");
        if (contentLength != null) {
            return exactly(Integer.parseInt(contentLength));
        }
        // Neither: the body runs until the server closes the connection.
        return in.readAllBytes();
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = chunkSize(); size > 0; size = chunkSize()) {
            body.writeBytes(exactly(size));
            if (!line().isEmpty()) {
                throw new IOException("a chunk of " + size + " bytes is followed by more than CRLF");
            }
        }
        fields(); // trailers, if any: read so the message is consumed, but not kept
        return body.toByteArray();
    }

    /** The size line of a chunk, in hex, without any chunk extensions (";name=value"). */
    private int chunkSize() throws IOException {
        return Integer.parseInt(line().split(";", 2)[0].trim(), 16);
    }

    private byte[] exactly(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("the connection closed after " + bytes.length + " of " + length + " body bytes");
        }
        return bytes;
    }

    /**
     * One line of the head, without its CRLF. ISO-8859-1 maps each byte to one char, so no byte is
     * lost; header values are ASCII in practice.
     */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the connection closed in the middle of the response head");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static Charset charset(String contentType) {
        Matcher charset = CHARSET.matcher(contentType == null ? "" : contentType);
        return charset.find() ? Charset.forName(charset.group(1)) : StandardCharsets.UTF_8;
    }
}
