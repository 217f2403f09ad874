package com.example.counter.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server started on 127.0.0.1 by the StatefulSet's redis-start.sh, as a pod would start it.
 * Closing it stops the server; servers left running when the JVM exits are stopped then.
 */
final class LocalRedis implements AutoCloseable {

    static final Path SCRIPTS = Repository.KUSTOMIZE.resolve("base/redis");
    static final Duration STARTUP = Duration.ofSeconds(20);

    /** The ports these tests may use: loopback only, in a range no other test of the project takes. */
    private static final int FIRST_PORT = 16400;
    private static final int LAST_PORT = 16499;
    private static final Set<Integer> PORTS_HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    private final Process process;
    private final int port;
    private final String password;
    private final Path log;

    private LocalRedis(Process process, int port, String password, Path log) {
        this.process = process;
        this.port = port;
        this.password = password;
        this.log = log;
    }

    /**
     * Runs redis-start.sh as pod {@code podName} would, with the in-cluster addresses replaced by
     * local ones, and waits until the server answers.
     *
     * @param extraEnvironment more variables for the script, such as the master's address
     */
    static LocalRedis start(
            Path workDir, String podName, int port, String password, Map<String, String> extraEnvironment) {
        Path podDir = workDir.resolve(podName);
        Path log = podDir.resolve("redis.log");
        try {
            Files.createDirectories(podDir.resolve("data"));
            ProcessBuilder builder = new ProcessBuilder("sh", SCRIPTS.resolve("redis-start.sh").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(Map.of(
                    "PATH", serverBinary().getParent() + ":" + System.getenv("PATH"),
                    "POD_NAME", podName,
                    "REDISCLI_AUTH", password,
                    "REDIS_LISTEN_PORT", String.valueOf(port),
                    "REDIS_BIND", "127.0.0.1",
                    "REDIS_DATA_DIR", podDir.resolve("data").toString(),
                    "REDIS_CONF_FILE", podDir.resolve("redis.conf").toString()));
            builder.environment().putAll(extraEnvironment);
            LocalRedis redis = new LocalRedis(builder.start(), port, password, log);
            RUNNING.add(redis.process);
            await(podName + " answering PING on port " + port).atMost(STARTUP).until(redis::answersPing);
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + podName, e);
        }
    }

    /** A free port in 16400-16499 on 127.0.0.1, not handed out before in this run. */
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

    /** redis-cli against this server, with the password from REDISCLI_AUTH as the probes use it. */
    Command.Result cli(String... arguments) {
        return cliWithPassword(password, arguments);
    }

    /** redis-cli with another password than the server's. */
    Command.Result cliWithPassword(String password, String... arguments) {
        String[] command = new String[arguments.length + 3];
        command[0] = "-p";
        command[1] = String.valueOf(port);
        command[2] = "-e"; // an error reply fails the command
        System.arraycopy(arguments, 0, command, 3, arguments.length);
        return Command.run(Map.of("REDISCLI_AUTH", password), redisCli(), command);
    }

    /** redis-probe.sh in one of its modes, as the kubelet runs it in this server's pod. */
    Command.Result probe(String mode, String password) {
        return runProbe(Map.of("REDISCLI_AUTH", password, "REDIS_LISTEN_PORT", String.valueOf(port)), mode);
    }

    /** redis-probe.sh in one of its modes, with the given environment. */
    static Command.Result runProbe(Map<String, String> environment, String mode) {
        return Command.run(environment, Path.of("/bin/sh"), SCRIPTS.resolve("redis-probe.sh").toString(), mode);
    }

    String log() {
        return Files.exists(log) ? Repository.read(log) : "(no log)";
    }

    private boolean answersPing() {
        if (!process.isAlive()) {
            fail("redis-start.sh exited with " + process.exitValue() + ":\n" + log());
        }
        Command.Result ping = cli("ping");
        return ping.succeeded() && ping.stdout().strip().equals("PONG");
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

    static Path redisCli() {
        return Command.require("redis-cli", "apt-get install redis-tools");
    }

    /**
     * The redis-server binary that ships in the embedded-redis jar on the test classpath, copied
     * out once so the script finds it on the PATH as the images have it.
     */
    private static synchronized Path serverBinary() {
        Path binary = Repository.TARGET.resolve("redis-server/bin/redis-server");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        String resource = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "redis-server-6.2.6-v5-linux-amd64";
            case "aarch64", "arm64" -> "redis-server-6.2.7-linux-arm64";
            default -> fail("embedded-redis has no redis-server for " + System.getProperty("os.arch"));
        };
        if (!System.getProperty("os.name").equals("Linux")) {
            fail("The Redis script tests run on Linux only: the scripts run in Linux containers");
        }
        try (InputStream in = LocalRedis.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                fail(resource + " is not on the test classpath: is embedded-redis a test dependency?");
            }
            Files.createDirectories(binary.getParent());
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
            if (!binary.toFile().setExecutable(true)) {
                fail("Cannot make " + binary + " executable");
            }
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
