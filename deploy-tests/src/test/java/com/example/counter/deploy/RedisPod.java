package com.example.counter.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A redis-server started on 127.0.0.1 by the StatefulSet's redis-start.sh, as pod {@code redis-N}
 * starts it, or a sentinel started by the sentinel component's sentinel-start.sh, as the sidecar
 * of that pod starts it. The server is {@code $REDIS_SERVER} (or {@code -Dcounter.redis-server}),
 * else the {@code redis-server} on the PATH: the Redis version the manifests deploy
 * ({@link #version()}). Each pod has a directory of its own under the test's, its volume in
 * {@code data}. Closing it stops the server; servers left running when the JVM exits are stopped then.
 */
final class RedisPod implements AutoCloseable {

    static final Path SCRIPTS = Repository.KUSTOMIZE.resolve("base/redis");
    static final Path SENTINEL_SCRIPT = Repository.KUSTOMIZE.resolve("components/sentinel/sentinel-start.sh");
    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static final int CALL_TIMEOUT_MILLIS = 2000;

    /**
     * The ports these tests may use: loopback only, in a range no other test of the project takes.
     * The tests of this module run one at a time, each releasing its ports when it ends.
     */
    private static final int FIRST_PORT = 16420;
    private static final int LAST_PORT = 16449;
    private static final Set<Integer> PORTS_HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    private final Process process;
    private final int port;
    private final String password;
    private final Path log;

    private RedisPod(Process process, int port, String password, Path log) {
        this.process = process;
        this.port = port;
        this.password = password;
        this.log = log;
    }

    /** Whether the container is the Redis server that redis-start.sh starts (not a sidecar beside it). */
    static boolean runsTheStartScript(io.fabric8.kubernetes.api.model.Container container) {
        return container.getCommand().stream().anyMatch(word -> word.endsWith("/redis-start.sh"));
    }

    /** The redis-server these tests run, found as the class comment says. */
    static Path server() {
        return Optional.ofNullable(System.getProperty("counter.redis-server")).or(() -> Optional.ofNullable(
                        System.getenv("REDIS_SERVER"))).filter(path -> !path.isBlank()).map(Path::of)
                .orElseGet(() -> Repository.tool("redis-server", "apt-get install redis-server, or set REDIS_SERVER"));
    }

    /** Its version, such as 7.0.15, from {@code redis-server --version}. */
    static String version() {
        Repository.Result result = Repository.run(Map.of(), server(), "--version");
        var version = java.util.regex.Pattern.compile("v=(\\d+\\.\\d+\\.\\d+)").matcher(result.stdout());
        return version.find() ? version.group(1) : fail("no version in " + result.describe());
    }

    /**
     * Runs redis-start.sh as pod {@code podName} would, with the in-cluster addresses replaced by
     * local ones, and waits until the server answers.
     *
     * @param extraEnvironment more variables for the script, such as the master's address
     */
    static RedisPod start(Path workDir, String podName, int port, String password, Map<String, String> extraEnvironment) {
        return launch(workDir, podName, port, password, extraEnvironment).answering();
    }

    /** Runs redis-start.sh, and its result if it exits within the startup time instead of serving. */
    static Repository.Result startExpectingRefusal(Path workDir, String podName, int port, String password,
            Map<String, String> extraEnvironment) {
        return launch(workDir, podName, port, password, extraEnvironment).refusal();
    }

    /** Runs redis-start.sh as {@link #start} does, but returns at once: {@link #answering()} waits. */
    static RedisPod launch(Path workDir, String podName, int port, String password,
            Map<String, String> extraEnvironment) {
        return launch(SCRIPTS.resolve("redis-start.sh"), workDir.resolve(podName), "redis.log", port, password,
                environment(podName, port, password, workDir.resolve(podName)), extraEnvironment);
    }

    /**
     * Runs sentinel-start.sh as the sentinel container of pod {@code podName} would, announcing
     * 127.0.0.1 and keeping its config on the pod's volume, and returns at once.
     */
    static RedisPod launchSentinel(Path workDir, String podName, int port, String password,
            Map<String, String> extraEnvironment) {
        Path podDir = workDir.resolve(podName);
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", path());
        environment.put("POD_NAME", podName);
        environment.put("REDISCLI_AUTH", password);
        environment.put("REDIS_SENTINEL_PORT", String.valueOf(port));
        environment.put("REDIS_BIND", "127.0.0.1");
        environment.put("REDIS_ANNOUNCE_HOST", "127.0.0.1");
        environment.put("SENTINEL_CONF_FILE", sentinelConf(podDir).toString());
        return launch(SENTINEL_SCRIPT, podDir, "sentinel.log", port, password, environment, extraEnvironment);
    }

    /** Where the sentinel of a pod keeps its config: on the pod's volume. */
    static Path sentinelConf(Path podDir) {
        return podDir.resolve("data/sentinel/sentinel.conf");
    }

    private static RedisPod launch(Path script, Path podDir, String logName, int port, String password,
            Map<String, String> environment, Map<String, String> extraEnvironment) {
        Path log = podDir.resolve(logName);
        try {
            Files.createDirectories(podDir.resolve("data"));
            ProcessBuilder builder = new ProcessBuilder("sh", script.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            builder.environment().putAll(extraEnvironment);
            RedisPod redis = new RedisPod(builder.start(), port, password, log);
            RUNNING.add(redis.process);
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + script.getFileName() + " in " + podDir, e);
        }
    }

    /** Waits until the server answers PING, or fails if its script exits first. */
    RedisPod answering() {
        await(log.getParent().getFileName() + " answering PING on port " + port).atMost(STARTUP)
                .until(this::answersPing);
        return this;
    }

    /** The result of the script, which must exit within the startup time instead of serving. */
    Repository.Result refusal() {
        try {
            if (!process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)) {
                close();
                return fail(log.getParent().getFileName() + " started instead of refusing:\n" + log());
            }
            return new Repository.Result(java.util.List.of(log.getFileName().toString()), process.exitValue(), "",
                    log());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            RUNNING.remove(process);
        }
    }

    /** The pod's environment, as the StatefulSet gives it, but for addresses and paths on this machine. */
    private static Map<String, String> environment(String podName, int port, String password, Path podDir) {
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", path());
        environment.put("POD_NAME", podName);
        environment.put("REDISCLI_AUTH", password);
        environment.put("REDIS_LISTEN_PORT", String.valueOf(port));
        environment.put("REDIS_BIND", "127.0.0.1");
        environment.put("REDIS_ANNOUNCE_HOST", "127.0.0.1");
        environment.put("REDIS_DATA_DIR", podDir.resolve("data").toString());
        environment.put("REDIS_CONF_FILE", podDir.resolve("redis.conf").toString());
        // No replicas to ask by default: the in-cluster names would go to DNS. Tests that need
        // them name them (127.0.0.1:port).
        environment.put("REDIS_PEERS", "none");
        return environment;
    }

    /** The PATH of the script: the server under test first. */
    static String path() {
        return serverDirectory() + ":" + System.getenv("PATH");
    }

    /** Makes every port handed out free to hand out again: for the end of a test, once its servers are stopped. */
    static void releasePorts() {
        PORTS_HANDED_OUT.clear();
    }

    /** A free port in 16420-16449 on 127.0.0.1, not handed out since the last {@link #releasePorts()}. */
    static int freePort() {
        for (int port = FIRST_PORT; port <= LAST_PORT; port++) {
            if (!PORTS_HANDED_OUT.contains(port) && isFree(port) && PORTS_HANDED_OUT.add(port)) {
                return port;
            }
        }
        return fail("No free port in " + FIRST_PORT + "-" + LAST_PORT + " on 127.0.0.1");
    }

    int port() {
        return port;
    }

    /** Calls the server, authenticated with its password, on a connection of its own. */
    <T> T call(Function<Jedis, T> command) {
        return call(port, password, command);
    }

    static <T> T call(int port, String password, Function<Jedis, T> command) {
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder()
                .password(password).timeoutMillis(CALL_TIMEOUT_MILLIS).build())) {
            return command.apply(jedis);
        }
    }

    /** The value of one setting, from CONFIG GET. */
    String config(String name) {
        return call(jedis -> jedis.configGet(name).get(name));
    }

    /** redis-probe.sh in one of its modes, as the kubelet runs it in this server's pod. */
    Repository.Result probe(String mode, String password) {
        return runProbe(Map.of("REDISCLI_AUTH", password, "REDIS_LISTEN_PORT", String.valueOf(port)), mode);
    }

    /** redis-probe.sh in one of its modes, with the given environment; it needs redis-cli on the PATH. */
    static Repository.Result runProbe(Map<String, String> environment, String mode) {
        Repository.tool("redis-cli", "apt-get install redis-tools");
        return Repository.run(environment, Path.of("/bin/sh"), SCRIPTS.resolve("redis-probe.sh").toString(), mode);
    }

    String log() {
        return Files.exists(log) ? Repository.read(log) : "(no log)";
    }

    private boolean answersPing() {
        if (!process.isAlive()) {
            fail("redis-start.sh exited with " + process.exitValue() + ":\n" + log());
        }
        try {
            return "PONG".equals(call(Jedis::ping));
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /**
     * Stops the server the way the kubelet does, with SIGTERM, and waits until it has exited. Redis
     * ignores a SIGTERM that comes while it writes its first append-only file, so it is repeated;
     * SIGKILL comes last, as the kubelet's does after the grace period.
     */
    @Override
    public void close() {
        try {
            for (int attempt = 0; attempt < 20 && process.isAlive(); attempt++) {
                process.destroy();
                process.waitFor(500, TimeUnit.MILLISECONDS);
            }
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.remove(process);
        }
    }

    /** Kills the server with SIGKILL: no chance to save anything on the way out. */
    void crash() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A directory with the server under the name the script runs, so it finds it on the PATH as in the images. */
    private static synchronized Path serverDirectory() {
        Path directory = Repository.TARGET.resolve("redis-server");
        Path link = directory.resolve("redis-server");
        try {
            Path server = server().toAbsolutePath();
            if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).equals(server)) {
                Files.createDirectories(directory);
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, server);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot put redis-server into " + directory, e);
        }
        return directory;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
