package com.example.counter.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.openshift.api.model.ImageStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The shell scripts pass shellcheck, and the scripts the Redis StatefulSet runs work, run for real:
 * redis-start.sh for ordinals 0 and 1 against redis-server processes (on 127.0.0.1, ports
 * 16420-16449), and redis-probe.sh in each mode. {@link SentinelScriptsTest} tests the Sentinel mode.
 */
class ScriptsTest {

    /** Characters that a naive redis.conf would mangle: quotes, spaces, '#', a backslash. */
    private static final String PASSWORD = "it's a \"secret\" #1\\";
    private static final Duration SYNC = Duration.ofSeconds(20);

    @TempDir
    Path work;

    private final List<RedisPod> started = new ArrayList<>();

    @AfterEach
    void stopEveryServerStarted() {
        started.forEach(RedisPod::close);
        RedisPod.releasePorts();
    }

    static Stream<Path> scripts() {
        return Stream.of(Repository.KUSTOMIZE, Repository.OPENSHIFT, Repository.ROOT.resolve("bench"))
                .flatMap(dir -> Repository.filesEndingWith(dir, ".sh"));
    }

    @Test
    void theSmokeTestTheRedisScriptsTheTemplateGeneratorAndTheBenchmarkAreLinted() {
        assertEquals(List.of("compare.sh", "generate.sh", "redis-probe.sh", "redis-start.sh", "run.sh",
                "sentinel-start.sh", "servers.sh", "smoke-test.sh"), scripts()
                .map(script -> script.getFileName().toString()).sorted().toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void passesShellcheckAndIsExecutable(Path script) {
        Repository.Result result = Repository.run(Map.of(), Repository.tool("shellcheck", "apt-get install shellcheck"),
                script.toString());
        assertTrue(result.succeeded(), Repository.relative(script) + " fails shellcheck:\n" + result.describe());
        assertTrue(Files.isExecutable(script), Repository.relative(script) + " is not executable");
        assertTrue(Repository.read(script).startsWith("#!/"), Repository.relative(script) + " has no #! line");
    }

    /**
     * One Redis version line: these tests (and, through REDIS_SERVER, every Redis test in CI) run
     * the major version that Kubernetes and OpenShift deploy, so the idempotent-increment script's
     * Redis 7 behaviour is what the tests exercise.
     */
    @Test
    void theRedisTestedIsTheMajorVersionDeployed() {
        String tested = RedisPod.version();
        String major = tested.substring(0, tested.indexOf('.'));
        String kubernetes = Manifests.tag(Manifests.parse(Repository.kustomize(Repository.KUSTOMIZE.resolve("base")))
                .get(StatefulSet.class, "redis").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .orElseThrow();
        var openShift = Render.Combination.openShift().manifests().get(ImageStream.class, "redis").getSpec().getTags();
        assertAll(
                () -> assertTrue(kubernetes.startsWith(major + "."), "Kubernetes deploys Redis " + kubernetes
                        + ", the tests run " + tested + " (" + RedisPod.server() + ")"),
                () -> assertTrue(openShift.stream().allMatch(tag -> tag.getName().equals(major)
                                && tag.getFrom().getName().contains("/redis-" + major + "-")),
                        "OpenShift deploys another Redis than the tested " + tested + ": " + openShift));
    }

    @Test
    void ordinalOneReplicatesOrdinalZeroAndRefusesWrites() {
        RedisPod master = start("redis-0", RedisPod.freePort(), Map.of());
        RedisPod replica = startReplicaOf(master);

        assertEquals(Long.valueOf(42), master.call(jedis -> jedis.incrBy("count", 42)));

        await("the replica to see the increment").atMost(SYNC).until(() -> "42".equals(replica.call(j -> j.get("count"))));
        assertTrue(master.call(j -> j.info("replication")).contains("role:master"), "redis-0 must be the master");
        assertTrue(replica.call(j -> j.info("replication")).contains("role:slave"), "redis-1 must be a replica");
        JedisDataException refused = assertThrows(JedisDataException.class,
                () -> replica.call(jedis -> jedis.set("count", "1")), "a replica accepted a write");
        assertTrue(refused.getMessage().startsWith("READONLY"), refused.getMessage());
    }

    @Test
    void aReplicaIsReadyOnlyOnceInSyncWithItsMaster() {
        int masterPort = RedisPod.freePort();
        RedisPod replica = start("redis-1", RedisPod.freePort(), replicaOf(masterPort));

        Repository.Result alone = replica.probe("ready", PASSWORD);
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
            Repository.Result healthy = master.probe(mode, PASSWORD);
            assertTrue(healthy.succeeded(), healthy.describe());
            assertFalse(master.probe(mode, "wrong").succeeded(), mode + " passed with a wrong password");
        }));
        assertThrows(JedisException.class, () -> RedisPod.call(master.port(), "wrong", Jedis::ping),
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
        before.call(jedis -> jedis.set("count", "7"));
        before.crash(); // no snapshot on the way out: only the append-only file can keep the write

        RedisPod after = start("redis-0", port, Map.of());

        assertEquals("7", after.call(jedis -> jedis.get("count")), "the write did not survive the crash");
    }

    @Test
    void theDurabilitySettingsReachRedis() {
        RedisPod everysec = start("redis-0", RedisPod.freePort(),
                Map.of("REDIS_APPENDFSYNC", "everysec", "REDIS_MEMORY_LIMIT", "268435456"));
        RedisPod defaults = start("redis-0-defaults", RedisPod.freePort(), Map.of("POD_NAME", "redis-0"));

        assertAll(
                () -> assertEquals("everysec", everysec.config("appendfsync")),
                () -> assertEquals("yes", everysec.config("appendonly")),
                () -> assertEquals("134217728", everysec.config("maxmemory"), "half the container's memory limit"),
                () -> assertEquals("noeviction", everysec.config("maxmemory-policy"), "never evict the count"),
                () -> assertEquals("0", defaults.config("min-replicas-to-write"), "by default no replica is needed"),
                () -> assertEquals(Long.valueOf(1), defaults.call(jedis -> jedis.incr("count"))));
    }

    @Test
    void aMasterThatNeedsAReplicaRefusesWritesUntilOneIsInSync() {
        RedisPod master = start("redis-0", RedisPod.freePort(),
                Map.of("REDIS_MIN_REPLICAS_TO_WRITE", "1", "REDIS_MIN_REPLICAS_MAX_LAG", "10"));
        assertEquals("10", master.config("min-replicas-max-lag"));

        JedisDataException refused = assertThrows(JedisDataException.class, () -> master.call(j -> j.incr("count")),
                "a master without replicas took a write that no replica has");
        assertTrue(refused.getMessage().startsWith("NOREPLICAS"), refused.getMessage());
        assertNull(master.call(jedis -> jedis.get("count")), "the refused write was applied");
        Repository.Result ready = master.probe("ready", PASSWORD);
        assertTrue(ready.succeeded(), "a master without replicas still serves right reads: " + ready.describe());

        startReplicaOf(master);
        await("the master to take writes once its replica is in sync").atMost(SYNC).ignoreExceptions()
                .until(() -> Long.valueOf(1).equals(master.call(jedis -> jedis.incr("count"))));
    }

    @Test
    void theStatefulSetRunsTheseScripts() {
        Container redis = Manifests.parse(Repository.kustomize(Repository.KUSTOMIZE.resolve("base")))
                .get(StatefulSet.class, "redis").getSpec().getTemplate().getSpec().getContainers().get(0);
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

    /**
     * A master whose volume was lost finds no data and would, started empty, make its replicas drop
     * theirs: it refuses, says why in its log, and leaves the replica's copy alone; the documented
     * override starts it empty on purpose.
     */
    @Test
    void anEmptyMasterRefusesToWipeAReplicaUnlessTold() throws IOException {
        int masterPort = RedisPod.freePort();
        RedisPod master = start("redis-0", masterPort, Map.of());
        RedisPod replica = startReplicaOf(master);
        master.call(jedis -> jedis.incrBy("count", 5));
        await("the replica to have the count").atMost(SYNC).until(() -> "5".equals(replica.call(j -> j.get("count"))));
        master.close();
        loseTheVolumeOf("redis-0");
        Map<String, String> peers = Map.of("REDIS_PEERS", "127.0.0.1:" + replica.port());

        Repository.Result refused = RedisPod.startExpectingRefusal(work, "redis-0", masterPort, PASSWORD, peers);

        assertAll(
                () -> assertFalse(refused.succeeded(), refused.describe()),
                () -> assertTrue(refused.stderr().contains("the replica 127.0.0.1 holds 1 keys")
                        && refused.stderr().contains("REDIS_ALLOW_EMPTY_MASTER=true"), refused.describe()),
                () -> assertEquals("5", replica.call(jedis -> jedis.get("count")), "the replica lost its copy"));

        Map<String, String> override = new HashMap<>(peers);
        override.put("REDIS_ALLOW_EMPTY_MASTER", "true");
        RedisPod fresh = start("redis-0", masterPort, override);
        assertNull(fresh.call(jedis -> jedis.get("count")), "a deliberate fresh start is empty");
        assertTrue(fresh.log().contains("starts empty"), fresh.log());
    }

    /**
     * After an outage of every pod, redis-0 starts before any replica could answer it: on a lost
     * volume it starts empty. Then each replica that holds keys refuses to follow it, so the data
     * stays on its volume; a replica restarted beside a master that has the data starts as usual.
     */
    @Test
    void aReplicaWithKeysRefusesToFollowAnEmptyMaster() throws IOException {
        int masterPort = RedisPod.freePort();
        int replicaPort = RedisPod.freePort();
        RedisPod master = start("redis-0", masterPort, Map.of());
        RedisPod replica = start("redis-1", replicaPort, replicaOf(masterPort));
        master.call(jedis -> jedis.incrBy("count", 3));
        await("the replica to have the count").atMost(SYNC).until(() -> "3".equals(replica.call(j -> j.get("count"))));
        replica.close();
        RedisPod restarted = start("redis-1", replicaPort, replicaOf(masterPort));
        assertEquals("3", restarted.call(jedis -> jedis.get("count")), "a normal restart of a replica");
        restarted.close();
        master.close();
        loseTheVolumeOf("redis-0");
        start("redis-0", masterPort, Map.of()); // no replica runs to ask: it starts empty

        Repository.Result refused = RedisPod.startExpectingRefusal(work, "redis-1", replicaPort, PASSWORD,
                replicaOf(masterPort));

        assertFalse(refused.succeeded(), refused.describe());
        assertTrue(refused.stderr().contains("redis-1 holds 1 keys, but its master 127.0.0.1 holds none"),
                refused.describe());
        assertTrue(Files.isDirectory(work.resolve("redis-1/data/appendonlydir")), "the replica's data is gone");
    }

    /** A replica that resolves but cannot answer could still hold the data: no guess, a refusal. */
    @Test
    void anEmptyMasterRefusesWhileAReplicaCannotSayWhatItHolds() {
        Repository.Result refused = RedisPod.startExpectingRefusal(work, "redis-0", RedisPod.freePort(), PASSWORD,
                Map.of("REDIS_PEERS", "127.0.0.1:" + RedisPod.freePort())); // no server listens there

        assertFalse(refused.succeeded(), refused.describe());
        assertTrue(refused.stderr().contains("cannot say whether it holds any"), refused.describe());
    }

    /**
     * A brand-new system (no replica pod exists yet, so no name resolves) starts; so does a master
     * restarted on its own volume, which asks no replica at all, even one that cannot answer.
     */
    @Test
    void aNewMasterAndARestartedOneStartAsUsual() throws IOException {
        Path noDns = Files.createDirectories(work.resolve("no-such-pod"));
        Files.writeString(noDns.resolve("getent"), "#!/bin/sh\nexit 2\n"); // as for a pod that does not exist
        assertTrue(noDns.resolve("getent").toFile().setExecutable(true));
        int port = RedisPod.freePort();
        RedisPod brandNew = start("redis-0", port, Map.of("REDIS_PEERS", "redis-1.redis-headless:6379",
                "PATH", noDns + ":" + RedisPod.path()));
        brandNew.call(jedis -> jedis.set("count", "9"));
        brandNew.close();

        RedisPod restarted = start("redis-0", port, Map.of("REDIS_PEERS", "127.0.0.1:" + RedisPod.freePort()));

        assertEquals("9", restarted.call(jedis -> jedis.get("count")));
    }

    private void loseTheVolumeOf(String pod) throws IOException {
        Path data = work.resolve(pod).resolve("data");
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        Files.createDirectories(data);
    }

    /** The start script stops before it starts a server, and says why. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "REDISCLI_AUTH|''|REDISCLI_AUTH must hold the Redis password",
        "POD_NAME|redis|cannot read a StatefulSet ordinal",
        "REDIS_APPENDFSYNC|sometimes|REDIS_APPENDFSYNC must be always, everysec or no",
        "REDIS_MIN_REPLICAS_TO_WRITE|one|REDIS_MIN_REPLICAS_TO_WRITE must be a whole number",
        "REDIS_ALLOW_EMPTY_MASTER|yes|REDIS_ALLOW_EMPTY_MASTER must be true or false",
        "REDIS_SENTINEL_WAIT_SECONDS|soon|REDIS_SENTINEL_WAIT_SECONDS must be a whole number"})
    void refusesAMissingOrMalformedSetting(String variable, String value, String message) {
        Map<String, String> environment = new HashMap<>(Map.of("POD_NAME", "redis-0", "REDISCLI_AUTH", PASSWORD));
        environment.put(variable, value);
        Repository.Result result = Repository.run(environment, Path.of("/bin/sh"),
                RedisPod.SCRIPTS.resolve("redis-start.sh").toString());

        assertFalse(result.succeeded(), "started with " + environment);
        assertTrue(result.stderr().contains(message), result.describe());
    }

    private RedisPod start(String podName, int port, Map<String, String> environment) {
        RedisPod redis = RedisPod.start(work, podName, port, PASSWORD, environment);
        started.add(redis);
        return redis;
    }

    private RedisPod startReplicaOf(RedisPod master) {
        return start("redis-1", RedisPod.freePort(), replicaOf(master.port()));
    }

    private static Map<String, String> replicaOf(int masterPort) {
        return Map.of("REDIS_MASTER_HOST", "127.0.0.1", "REDIS_MASTER_PORT", String.valueOf(masterPort));
    }
}
