package com.example.counter.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.counter.localredis.RedisCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The scripts the Redis StatefulSet runs, run for real: redis-start.sh for ordinal 0 and 1 against
 * local redis-server processes (on 127.0.0.1, ports 16400-16499), and redis-probe.sh in each mode.
 */
class RedisScriptsTest {

    /** Characters that a naive redis.conf would mangle: quotes, spaces, '#', a backslash. */
    private static final String PASSWORD = "it's a \"secret\" #1\\";
    private static final Duration SYNC = Duration.ofSeconds(20);
    /** The environment variables redis-start.sh reads: ${NAME} and ${NAME:-default}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[}:]");

    @TempDir
    Path work;

    private final List<RedisPod> started = new ArrayList<>();

    @AfterEach
    void stopEveryServerStarted() {
        started.forEach(RedisPod::close);
    }

    static Stream<Render> renders() {
        return Render.all();
    }

    @Test
    void ordinalOneReplicatesWhatIsWrittenOnOrdinalZero() {
        RedisPod master = start("redis-0", RedisPod.freePort(), Map.of());
        RedisPod replica = startReplicaOf(master.port());

        assertEquals("OK", master.call("SET", "count", "41"));
        assertEquals(42L, master.call("INCR", "count"));

        await("the replica to see the increment").atMost(SYNC).until(() -> "42".equals(replica.call("GET", "count")));
        assertTrue(info(master).contains("role:master"), "redis-0 must be the master");
        assertTrue(info(replica).contains("role:slave"), "redis-1 must be a replica");
    }

    @Test
    void replicasRefuseWrites() {
        RedisPod master = start("redis-0", RedisPod.freePort(), Map.of());
        RedisPod replica = startReplicaOf(master.port());

        JedisDataException refused = assertThrows(JedisDataException.class, () -> replica.call("SET", "count", "1"),
                "a replica accepted a write");

        assertTrue(refused.getMessage().startsWith("READONLY"), refused.getMessage());
    }

    @Test
    void aReplicaIsReadyOnlyOnceInSyncWithItsMaster() {
        int masterPort = RedisPod.freePort();
        RedisPod replica = startReplicaOf(masterPort);

        Command.Result alone = replica.probe("ready", PASSWORD);
        assertFalse(alone.succeeded(), "ready without a master: " + alone.describe());
        assertTrue(alone.stderr().contains("not in sync"), alone.describe());

        start("redis-0", masterPort, Map.of());
        await("the replica to be ready once its master is up").atMost(SYNC)
                .until(() -> replica.probe("ready", PASSWORD).succeeded());
    }

    @Test
    void everyProbePassesOnTheMasterButNotWithAWrongPassword() {
        RedisPod master = start("redis-0", RedisPod.freePort(), Map.of());

        assertAll(Stream.of("started", "live", "ready").map(mode -> () -> {
            Command.Result healthy = master.probe(mode, PASSWORD);
            assertTrue(healthy.succeeded(), healthy.describe());
            assertFalse(master.probe(mode, "wrong").succeeded(), mode + " passed with a wrong password");
        }));
        assertThrows(JedisDataException.class, () -> RedisCommand.call(master.port(), "wrong", SYNC, "PING"),
                "the server let in a client with the wrong password");
    }

    @Test
    void aServerLoadingItsDataIsAliveButNotStartedNorReady() throws IOException {
        // A stand-in redis-cli that answers as Redis does while it loads a large data set.
        Path stub = Files.createDirectories(work.resolve("loading"));
        Files.writeString(stub.resolve("redis-cli"), "#!/bin/sh\necho 'LOADING Redis is loading the dataset in memory'\n");
        assertTrue(stub.resolve("redis-cli").toFile().setExecutable(true));
        Map<String, String> environment = Map.of("PATH", stub + ":" + System.getenv("PATH"), "REDISCLI_AUTH", PASSWORD);

        assertTrue(RedisPod.runProbe(environment, "live").succeeded(), "a loading server is alive: no restart");
        assertFalse(RedisPod.runProbe(environment, "started").succeeded(), "a loading server has not started");
        assertFalse(RedisPod.runProbe(environment, "ready").succeeded(), "a loading server is not ready");
    }

    @Test
    void acknowledgedWritesSurviveACrashInTheAppendOnlyFile() {
        int port = RedisPod.freePort();
        RedisPod before = start("redis-0", port, Map.of());
        assertEquals("always", before.config("appendfsync"), "by default each write is on disk before its answer");
        before.call("SET", "count", "7");
        before.crash(); // no snapshot on the way out: only the append-only file can keep the write

        RedisPod after = start("redis-0", port, Map.of());

        assertEquals("7", after.call("GET", "count"), "the write did not survive the crash");
    }

    @Test
    void appendfsyncCanBeEverysec() {
        RedisPod redis = start("redis-0", RedisPod.freePort(), Map.of("REDIS_APPENDFSYNC", "everysec"));

        assertEquals("everysec", redis.config("appendfsync"));
        assertEquals("yes", redis.config("appendonly"));
    }

    @Test
    void aMasterThatNeedsAReplicaRefusesWritesUntilOneIsInSync() {
        RedisPod master = start("redis-0", RedisPod.freePort(),
                Map.of("REDIS_MIN_REPLICAS_TO_WRITE", "1", "REDIS_MIN_REPLICAS_MAX_LAG", "10"));
        assertEquals("10", master.config("min-replicas-max-lag"));

        JedisDataException refused = assertThrows(JedisDataException.class, () -> master.call("INCR", "count"),
                "a master without replicas took a write that no replica has");
        assertTrue(refused.getMessage().startsWith("NOREPLICAS"), refused.getMessage());
        assertNull(master.call("GET", "count"), "the refused write was applied");

        startReplicaOf(master.port());
        await("the master to take writes once its replica is in sync").atMost(SYNC).ignoreExceptions()
                .until(() -> Long.valueOf(1).equals(master.call("INCR", "count")));
    }

    @Test
    void byDefaultAMasterTakesWritesWithoutReplicas() {
        RedisPod master = start("redis-0", RedisPod.freePort(), Map.of());

        assertEquals("0", master.config("min-replicas-to-write"));
        assertEquals(1L, master.call("INCR", "count"));
    }

    @Test
    void maxmemoryIsHalfTheContainerLimitAndNothingIsEvicted() {
        RedisPod redis = start("redis-0", RedisPod.freePort(), Map.of("REDIS_MEMORY_LIMIT", "268435456"));

        assertEquals("134217728", redis.config("maxmemory"));
        assertEquals("noeviction", redis.config("maxmemory-policy"));
    }

    @Test
    void theStatefulSetRunsTheseProbes() {
        Container redis = Manifests.parse(Kustomize.build(Repository.KUSTOMIZE.resolve("base")))
                .find(StatefulSet.class, "redis").orElseThrow()
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        String scripts = redis.getVolumeMounts().stream().filter(mount -> mount.getName().equals("scripts"))
                .findFirst().orElseThrow().getMountPath();

        assertAll(
                () -> assertEquals(List.of(scripts + "/redis-probe.sh", "started"),
                        redis.getStartupProbe().getExec().getCommand(), "startupProbe"),
                () -> assertEquals(List.of(scripts + "/redis-probe.sh", "live"),
                        redis.getLivenessProbe().getExec().getCommand(), "livenessProbe"),
                () -> assertEquals(List.of(scripts + "/redis-probe.sh", "ready"),
                        redis.getReadinessProbe().getExec().getCommand(), "readinessProbe"),
                () -> assertEquals(List.of(scripts + "/redis-start.sh"), redis.getCommand(), "command"));
    }

    /** A typo in a ConfigMap key would leave the setting at its default without a word. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void theRedisConfigMapsSetOnlyWhatTheStartScriptReads(Render render) {
        Set<String> read = variablesReadBy(RedisPod.SCRIPTS.resolve("redis-start.sh"));
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (StatefulSet statefulSet : manifests.all(StatefulSet.class)) {
            for (Container container : statefulSet.getSpec().getTemplate().getSpec().getContainers()) {
                container.getEnvFrom().stream().filter(source -> source.getConfigMapRef() != null)
                        .flatMap(source -> manifests.configMap(source.getConfigMapRef().getName()).stream())
                        .map(ConfigMap::getData)
                        .forEach(data -> checks.add(() -> assertTrue(read.containsAll(data.keySet()),
                                Manifests.describe(statefulSet) + " gets " + new TreeSet<>(data.keySet())
                                        + "; redis-start.sh reads only " + read)));
            }
        }
        assertAll(checks);
    }

    @Test
    void refusesToStartWithoutAPassword() {
        assertRefusesToStart(Map.of("POD_NAME", "redis-0", "REDISCLI_AUTH", ""),
                "REDISCLI_AUTH must hold the Redis password");
    }

    @Test
    void refusesAPodNameWithoutAnOrdinal() {
        assertRefusesToStart(Map.of("POD_NAME", "redis", "REDISCLI_AUTH", PASSWORD),
                "cannot read a StatefulSet ordinal");
    }

    @Test
    void refusesAnAppendfsyncRedisDoesNotKnow() {
        assertRefusesToStart(Map.of("POD_NAME", "redis-0", "REDISCLI_AUTH", PASSWORD, "REDIS_APPENDFSYNC", "sometimes"),
                "REDIS_APPENDFSYNC must be always, everysec or no");
    }

    @Test
    void refusesAMinReplicasThatIsNoNumber() {
        assertRefusesToStart(Map.of("POD_NAME", "redis-0", "REDISCLI_AUTH", PASSWORD,
                "REDIS_MIN_REPLICAS_TO_WRITE", "one"), "REDIS_MIN_REPLICAS_TO_WRITE must be a whole number");
    }

    private RedisPod start(String podName, int port, Map<String, String> environment) {
        RedisPod redis = RedisPod.start(work, podName, port, PASSWORD, environment);
        started.add(redis);
        return redis;
    }

    private RedisPod startReplicaOf(int masterPort) {
        return start("redis-1", RedisPod.freePort(),
                Map.of("REDIS_MASTER_HOST", "127.0.0.1", "REDIS_MASTER_PORT", String.valueOf(masterPort)));
    }

    private static String info(RedisPod redis) {
        return (String) redis.call("INFO", "replication");
    }

    /** The start script where it fails before it would start a server. */
    private static void assertRefusesToStart(Map<String, String> environment, String message) {
        Command.Result result =
                Command.run(environment, Path.of("/bin/sh"), RedisPod.SCRIPTS.resolve("redis-start.sh").toString());

        assertFalse(result.succeeded(), "started with " + environment);
        assertTrue(result.stderr().contains(message), result.describe());
    }

    private static Set<String> variablesReadBy(Path script) {
        Set<String> variables = new TreeSet<>();
        Matcher variable = VARIABLE.matcher(Repository.read(script));
        while (variable.find()) {
            variables.add(variable.group(1));
        }
        return variables;
    }
}
