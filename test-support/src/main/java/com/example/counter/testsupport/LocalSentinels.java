package com.example.counter.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.counter.localredis.RedisCommand;

import redis.clients.jedis.exceptions.JedisException;

/**
 * Real Redis Sentinels ({@code redis-server <conf> --sentinel}) on 127.0.0.1, watching one master
 * by name with quorum 2, with the same password as Redis (for clients, for each other and for
 * Redis). Each keeps the config file that Sentinel rewrites (epochs, known replicas and sentinels)
 * in its own directory, so a restarted sentinel comes back with what it knew.
 */
public final class LocalSentinels implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    private final Path binary;
    private final Path dir;
    private final String masterName;
    private final int masterPort;
    private final String password;
    private final Duration downAfter;
    private final List<Integer> ports;
    private final Map<Integer, Process> processes = new HashMap<>();

    /**
     * Sentinels on {@code ports} for the master now on {@code masterPort}, with their files under
     * {@code dir} (emptied first); none is started yet.
     */
    public LocalSentinels(Path binary, Path dir, String masterName, int masterPort, String password,
            Duration downAfter, List<Integer> ports) {
        this.binary = binary;
        this.dir = dir;
        this.masterName = masterName;
        this.masterPort = masterPort;
        this.password = password;
        this.downAfter = downAfter;
        this.ports = List.copyOf(ports);
        deleteRecursively(dir);
    }

    /** {@code 127.0.0.1:port,...}: the form of counter.redis.sentinel.nodes. */
    public String nodes() {
        return ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    public List<Integer> ports() {
        return ports;
    }

    /** Starts every sentinel that does not run, and waits until each answers PING. */
    public LocalSentinels start() {
        ports.forEach(this::start);
        return this;
    }

    public synchronized void start(int port) {
        Process running = processes.get(port);
        if (running != null && running.isAlive()) {
            return;
        }
        Path home = dir.resolve("sentinel-" + port);
        try {
            Files.createDirectories(home);
            Path config = home.resolve("sentinel.conf");
            if (!Files.exists(config)) {
                Files.write(config, config(port, home));
            }
            processes.put(port, new ProcessBuilder(binary.toString(), config.toString(), "--sentinel")
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("sentinel.out").toFile()))
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a sentinel on port " + port, e);
        }
        await("the sentinel on port " + port + " to answer PING")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(JedisException.class)
                .until(() -> "PONG".equals(call(port, "PING")));
    }

    private List<String> config(int port, Path home) {
        String pass = quote(password);
        return List.of(
                "bind 127.0.0.1",
                "port " + port,
                "daemonize no",
                "dir " + quote(home.toAbsolutePath().toString()),
                "logfile sentinel.log",
                "requirepass " + pass,
                // How the sentinels authenticate to each other (to ask for votes).
                "sentinel sentinel-pass " + pass,
                "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 2",
                "sentinel auth-pass " + masterName + " " + pass,
                "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis(),
                "sentinel failover-timeout " + masterName + " 6000");
    }

    /** SIGKILL: the sentinel stops answering at once. */
    public synchronized void kill(int port) {
        Process process = processes.remove(port);
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until every sentinel knows the other sentinels and {@code replicas} replicas: only then
     * can they agree on a failover and find a replica to promote.
     */
    public void awaitReady(int replicas, Duration timeout) {
        await("every sentinel of " + nodes() + " to know the others and " + replicas + " replicas")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(JedisException.class)
                .until(() -> ports.stream().allMatch(port -> {
                    Map<String, String> master = master(port);
                    return Integer.parseInt(master.get("num-other-sentinels")) == ports.size() - 1
                            && Integer.parseInt(master.get("num-slaves")) == replicas;
                }));
    }

    /** {@code SENTINEL MASTER <name>} as asked of one sentinel, as field to value. */
    public Map<String, String> master(int port) {
        List<?> fields = (List<?>) call(port, "SENTINEL", "MASTER", masterName);
        Map<String, String> master = new HashMap<>();
        IntStream.range(0, fields.size() / 2).forEach(i -> master.put((String) fields.get(2 * i), (String) fields.get(2 * i + 1)));
        return master;
    }

    /** The port of the master, as the first sentinel that answers names it. */
    public int masterPort() {
        JedisException last = null;
        for (int port : ports) {
            try {
                List<?> address = (List<?>) call(port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
                return Integer.parseInt((String) address.get(1));
            } catch (JedisException e) {
                last = e;
            }
        }
        throw new IllegalStateException("no sentinel of " + nodes() + " answered", last);
    }

    /** {@code SENTINEL FAILOVER}: a failover now, without asking the others (as for maintenance). */
    public void failover() {
        call(ports.get(0), "SENTINEL", "FAILOVER", masterName);
    }

    /** One command to one sentinel, authenticated. */
    public Object call(int port, String... command) {
        return RedisCommand.call(port, password, CALL_TIMEOUT, command);
    }

    @Override
    public synchronized void close() {
        List<Integer> running = new ArrayList<>(processes.keySet());
        running.forEach(this::kill);
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (var paths = Files.walk(path)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
