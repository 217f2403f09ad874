package com.example.counter.localredis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.exceptions.JedisException;

/**
 * One real {@code redis-server} process on 127.0.0.1, with its data (AOF, log, config) in its own
 * directory. It can be stopped, killed, frozen and started again on the same data, which is what
 * the fault tests need.
 */
public final class RedisNode implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Path binary;
    private final int port;
    private final Path dir;
    private final String password;
    private final OptionalInt replicaOf;
    private final List<String> extraConfig;
    private Process process;

    private RedisNode(Path binary, int port, Path dir, String password, OptionalInt replicaOf,
            List<String> extraConfig) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.password = password == null ? "" : password;
        this.replicaOf = replicaOf;
        this.extraConfig = List.copyOf(extraConfig);
    }

    /** A master listening on {@code port}, keeping its files in {@code dir}. */
    public static RedisNode master(Path binary, int port, Path dir, String password, List<String> extraConfig) {
        return new RedisNode(binary, port, dir, password, OptionalInt.empty(), extraConfig);
    }

    /** A read-only replica of the master on {@code masterPort}. */
    public static RedisNode replica(Path binary, int port, Path dir, String password, int masterPort,
            List<String> extraConfig) {
        return new RedisNode(binary, port, dir, password, OptionalInt.of(masterPort), extraConfig);
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the process (on the data it left last time, if any) and waits until it answers PING. */
    public synchronized RedisNode start() {
        if (isAlive()) {
            return this;
        }
        try {
            Files.createDirectories(dir);
            Path config = writeConfig();
            process = new ProcessBuilder(binary.toString(), config.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.out").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + " on port " + port, e);
        }
        awaitPong();
        return this;
    }

    private Path writeConfig() throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "bind 127.0.0.1",
                "port " + port,
                "dir " + quote(dir.toAbsolutePath().toString()),
                "logfile redis.log",
                "daemonize no",
                "save \"\"",
                "appendonly yes",
                // fsync before every acknowledgement: a crash loses no write that was answered.
                "appendfsync always"));
        if (!password.isEmpty()) {
            // In a file rather than on the command line, so `ps` does not show it.
            lines.add("requirepass " + quote(password));
            lines.add("masterauth " + quote(password));
        }
        replicaOf.ifPresent(masterPort -> {
            lines.add("replicaof 127.0.0.1 " + masterPort);
            lines.add("replica-read-only yes");
        });
        lines.addAll(extraConfig);
        Path config = dir.resolve("redis.conf");
        Files.write(config, lines);
        try {
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing more to do.
        }
        return config;
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void awaitPong() {
        await("redis-server on port " + port + " to answer PING with its append-only file loaded")
                .atMost(START_TIMEOUT)
                .pollInterval(POLL)
                // The checks read `process`, which start() guards with this node's lock: poll on this thread.
                .pollInSameThread()
                .failFast("redis-server on port " + port + " exited; see " + dir.resolve("redis.log"),
                        () -> !process.isAlive())
                // Refused connections and LOADING replies: not up yet.
                .ignoreExceptionsInstanceOf(JedisException.class)
                // Up, and done loading its append-only file: only then does it take commands.
                .until(() -> "PONG".equals(call("PING"))
                        && info("persistence", "loading").filter("0"::equals).isPresent());
    }

    /** Sends one command (authenticated) and returns its reply; see {@link RedisCommand#call}. */
    public Object call(String... command) {
        return RedisCommand.call(port, password, CALL_TIMEOUT, command);
    }

    /** The value of one field of {@code INFO section}, e.g. {@code info("replication", "role")}. */
    public Optional<String> info(String section, String field) {
        String info = (String) call("INFO", section);
        return info.lines()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> line.substring(field.length() + 1).trim())
                .findFirst();
    }

    /** Waits until this replica's link to its master is up and it has caught up with it. */
    public void awaitInSyncWith(RedisNode master, Duration timeout) {
        await("replica on port " + port + " to catch up with the master on port " + master.port)
                .atMost(timeout)
                .pollInterval(POLL)
                // Either node not answering yet: keep waiting until the deadline.
                .ignoreExceptions()
                .until(() -> info("replication", "master_link_status").filter("up"::equals).isPresent()
                        && master.info("replication", "master_repl_offset")
                                .equals(info("replication", "slave_repl_offset")));
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** A clean stop (SIGTERM): Redis flushes its AOF and exits. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        thaw();
        // Redis ignores SIGTERM while it writes its first AOF ("can't exit"), so ask again until
        // it goes; a crash stop is the last resort.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        try {
            while (process.isAlive() && Instant.now().isBefore(deadline)) {
                process.destroy();
                process.waitFor(250, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    /** A crash (SIGKILL): whatever Redis had not yet written is lost, as in a real crash. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** SIGSTOP: the process keeps its sockets open but answers nothing, like a hung host. */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public synchronized void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        if (!isAlive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
