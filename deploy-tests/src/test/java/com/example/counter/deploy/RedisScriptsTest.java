package com.example.counter.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts the Redis StatefulSet runs, run for real: redis-start.sh for ordinal 0 and 1 against
 * local redis-server processes (on 127.0.0.1, ports 16400-16499), and redis-probe.sh in each mode.
 */
class RedisScriptsTest {

    /** Characters that a naive redis.conf would mangle: quotes, spaces, '#', a backslash. */
    private static final String PASSWORD = "it's a \"secret\" #1\\";
    private static final Duration SYNC = Duration.ofSeconds(20);

    @TempDir
    Path work;

    private final List<LocalRedis> started = new ArrayList<>();

    @AfterEach
    void stopEveryServerStarted() {
        started.forEach(LocalRedis::close);
    }

    @Test
    void ordinalOneReplicatesWhatIsWrittenOnOrdinalZero() {
        LocalRedis master = start("redis-0", LocalRedis.freePort(), Map.of());
        LocalRedis replica = startReplicaOf(master.port());

        assertEquals("OK", master.cli("set", "count", "41").stdout().strip());
        assertEquals("42", master.cli("incr", "count").stdout().strip());

        await("the replica to see the increment").atMost(SYNC)
                .until(() -> replica.cli("get", "count").stdout().strip().equals("42"));
        assertTrue(master.cli("info", "replication").stdout().contains("role:master"), "redis-0 must be the master");
        assertTrue(replica.cli("info", "replication").stdout().contains("role:slave"), "redis-1 must be a replica");
    }

    @Test
    void replicasRefuseWrites() {
        LocalRedis master = start("redis-0", LocalRedis.freePort(), Map.of());
        LocalRedis replica = startReplicaOf(master.port());

        Command.Result write = replica.cli("set", "count", "1");

        assertFalse(write.succeeded(), "a replica accepted a write: " + write.describe());
        assertTrue(write.stderr().contains("READONLY"), write.describe());
    }

    @Test
    void aReplicaIsReadyOnlyOnceInSyncWithItsMaster() {
        int masterPort = LocalRedis.freePort();
        LocalRedis replica = startReplicaOf(masterPort);

        Command.Result alone = replica.probe("ready", PASSWORD);
        assertFalse(alone.succeeded(), "ready without a master: " + alone.describe());
        assertTrue(alone.stderr().contains("not in sync"), alone.describe());

        start("redis-0", masterPort, Map.of());
        await("the replica to be ready once its master is up").atMost(SYNC)
                .until(() -> replica.probe("ready", PASSWORD).succeeded());
    }

    @Test
    void everyProbePassesOnTheMasterButNotWithAWrongPassword() {
        LocalRedis master = start("redis-0", LocalRedis.freePort(), Map.of());

        assertAll(Stream.of("started", "live", "ready").map(mode -> () -> {
            Command.Result healthy = master.probe(mode, PASSWORD);
            assertTrue(healthy.succeeded(), healthy.describe());
            assertFalse(master.probe(mode, "wrong").succeeded(), mode + " passed with a wrong password");
        }));
        assertFalse(master.cliWithPassword("wrong", "ping").succeeded(),
                "the server let in a client with the wrong password");
    }

    @Test
    void aServerLoadingItsDataIsAliveButNotStartedNorReady() throws IOException {
        // A stand-in redis-cli that answers as Redis does while it loads a large data set.
        Path stub = Files.createDirectories(work.resolve("loading"));
        Files.writeString(stub.resolve("redis-cli"), "#!/bin/sh\necho 'LOADING Redis is loading the dataset in memory'\n");
        assertTrue(stub.resolve("redis-cli").toFile().setExecutable(true));
        Map<String, String> environment = Map.of("PATH", stub + ":" + System.getenv("PATH"), "REDISCLI_AUTH", PASSWORD);

        assertTrue(LocalRedis.runProbe(environment, "live").succeeded(), "a loading server is alive: no restart");
        assertFalse(LocalRedis.runProbe(environment, "started").succeeded(), "a loading server has not started");
        assertFalse(LocalRedis.runProbe(environment, "ready").succeeded(), "a loading server is not ready");
    }

    @Test
    void writesSurviveACrashInTheAppendOnlyFile() {
        int port = LocalRedis.freePort();
        LocalRedis before = start("redis-0", port, Map.of());
        before.cli("set", "count", "7");
        before.crash(); // no snapshot on the way out: only the append-only file can keep the write

        LocalRedis after = start("redis-0", port, Map.of());

        assertEquals("7", after.cli("get", "count").stdout().strip(), "the write did not survive the crash");
    }

    @Test
    void maxmemoryIsHalfTheContainerLimitAndNothingIsEvicted() {
        LocalRedis redis = start("redis-0", LocalRedis.freePort(), Map.of("REDIS_MEMORY_LIMIT", "268435456"));

        assertEquals(List.of("maxmemory", "134217728"),
                redis.cli("config", "get", "maxmemory").stdout().lines().toList());
        assertEquals(List.of("maxmemory-policy", "noeviction"),
                redis.cli("config", "get", "maxmemory-policy").stdout().lines().toList());
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

    @Test
    void refusesToStartWithoutAPassword() {
        Command.Result result = runStartScript(Map.of("POD_NAME", "redis-0", "REDISCLI_AUTH", ""));

        assertFalse(result.succeeded(), "started without a password");
        assertTrue(result.stderr().contains("REDISCLI_AUTH must hold the Redis password"), result.describe());
    }

    @Test
    void refusesAPodNameWithoutAnOrdinal() {
        Command.Result result = runStartScript(Map.of("POD_NAME", "redis", "REDISCLI_AUTH", PASSWORD));

        assertFalse(result.succeeded(), "started without knowing its role");
        assertTrue(result.stderr().contains("cannot read a StatefulSet ordinal"), result.describe());
    }

    private LocalRedis start(String podName, int port, Map<String, String> environment) {
        LocalRedis redis = LocalRedis.start(work, podName, port, PASSWORD, environment);
        started.add(redis);
        return redis;
    }

    private LocalRedis startReplicaOf(int masterPort) {
        return start("redis-1", LocalRedis.freePort(),
                Map.of("REDIS_MASTER_HOST", "127.0.0.1", "REDIS_MASTER_PORT", String.valueOf(masterPort)));
    }

    /** The start script where it fails before it would start a server. */
    private static Command.Result runStartScript(Map<String, String> environment) {
        return Command.run(environment, Path.of("/bin/sh"), LocalRedis.SCRIPTS.resolve("redis-start.sh").toString());
    }
}
