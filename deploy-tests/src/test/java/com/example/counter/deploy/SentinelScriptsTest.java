package com.example.counter.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Sentinel mode of the Redis pods, run for real: three pods, each a redis-server started by
 * redis-start.sh and a sentinel started by sentinel-start.sh on the pod's volume, on 127.0.0.1
 * (every pod announces 127.0.0.1 with ports of its own: on loopback, names would all resolve
 * alike). The password holds quotes, spaces, '#' and a backslash; the failovers prove that the
 * sentinels log in to Redis and to each other with it.
 */
class SentinelScriptsTest {

    private static final String PASSWORD = "it's a \"secret\" #1\\";
    private static final String MASTER = "counter";
    private static final int PODS = 3;
    /**
     * A short down-after for quick failovers; the fencing needs the replicas' lag plus 2 s within
     * it (sentinel-start.sh), and a lag of 0 s would refuse writes whenever an ack is a second old.
     */
    private static final Map<String, String> TIMING = Map.of("REDIS_SENTINEL_DOWN_AFTER_MS", "3000",
            "REDIS_MIN_REPLICAS_MAX_LAG", "1", "REDIS_SENTINEL_FAILOVER_TIMEOUT_MS", "10000");
    /** Down-after, the vote, the promotion, and a second try after twice the failover timeout. */
    private static final Duration FAILOVER = Duration.ofSeconds(45);
    private static final Duration SYNC = Duration.ofSeconds(20);
    /** Sentinel learns the replicas from the master's INFO, every 10 s. */
    private static final Duration DISCOVERY = Duration.ofSeconds(30);

    @TempDir
    Path work;

    /** Every server started, to stop at the end; the latest of each pod in {@link #redis} and {@link #sentinels}. */
    private final List<RedisPod> started = new ArrayList<>();
    private final RedisPod[] redis = new RedisPod[PODS];
    private final RedisPod[] sentinels = new RedisPod[PODS];
    private int[] redisPorts;
    private int[] sentinelPorts;

    @BeforeEach
    void takePorts() {
        redisPorts = IntStream.range(0, PODS).map(i -> RedisPod.freePort()).toArray();
        sentinelPorts = IntStream.range(0, PODS).map(i -> RedisPod.freePort()).toArray();
    }

    @AfterEach
    void stopEveryServerStarted() {
        started.forEach(RedisPod::close);
        RedisPod.releasePorts();
    }

    /**
     * A new system: every sentinel finds no other with an answer or learns pod 0 from one, pod 0
     * starts as the master and the others as its replicas; the sentinels agree, and the fencing and
     * the announced names are set. Pod 0 knows itself in the sentinels' answer by its address too,
     * here announcing another name for it (as a full DNS name would be).
     */
    @Test
    void aNewSystemStartsWithPodZeroAsTheMasterOfTheOthers() throws IOException {
        Path dns = Files.createDirectories(work.resolve("dns"));
        Files.writeString(dns.resolve("getent"), """
                #!/bin/sh
                [ "$2" = redis-0.full.name ] && echo "127.0.0.1 redis-0.full.name" && exit 0
                exec /usr/bin/getent "$@"
                """);
        assertTrue(dns.resolve("getent").toFile().setExecutable(true));
        newSystem(Map.of("REDIS_ANNOUNCE_HOST", "redis-0.full.name", "PATH", dns + ":" + RedisPod.path()));

        RedisPod master = redis(0);
        assertEquals(Long.valueOf(5), master.call(jedis -> jedis.incrBy("count", 5)));
        assertAll(
                () -> assertEquals("1", master.config("min-replicas-to-write"),
                        "Sentinel mode fences with at least one replica, whatever REDIS_MIN_REPLICAS_TO_WRITE=0 says"),
                () -> assertEquals("1", master.config("min-replicas-max-lag")),
                () -> assertEquals("127.0.0.1", redis(1).config("replica-announce-ip")),
                () -> assertTrue(master.log().contains("redis-0 starts as the master"), master.log()),
                () -> assertTrue(redis(2).log().contains("redis-2 starts as a replica of 127.0.0.1:" + redisPorts[0]),
                        redis(2).log()));
        for (int pod = 1; pod < PODS; pod++) {
            RedisPod replica = redis(pod);
            await("redis-" + pod + " to see the increment").atMost(SYNC)
                    .until(() -> "5".equals(replica.call(jedis -> jedis.get("count"))));
        }
        for (int pod = 0; pod < PODS; pod++) {
            int port = sentinelPorts[pod];
            assertTrue(RedisPod.runProbe(sentinelProbe(port, PASSWORD), "sentinel").succeeded(), "sentinel probe");
            assertFalse(RedisPod.runProbe(sentinelProbe(port, "wrong"), "sentinel").succeeded(),
                    "the sentinel probe passed with a wrong password");
        }
        assertThrows(JedisException.class, () -> RedisPod.call(sentinelPorts[0], "wrong", Jedis::ping),
                "a sentinel let in a client with the wrong password");
    }

    /** The master dies, the sentinels promote a replica, and the old master rejoins on its old volume as a replica. */
    @Test
    void theOldMasterRestartedAfterAFailoverComesBackAsAReplicaOfTheNewOne() {
        newSystem(Map.of());
        redis(0).call(jedis -> jedis.incrBy("count", 5));
        awaitReplicasHave("5");

        redis(0).crash();
        int promoted = awaitFailoverAwayFrom(0);
        await("the new master to take writes once the other replica follows it").atMost(SYNC).ignoreExceptions()
                .until(() -> Long.valueOf(6).equals(redis(promoted).call(jedis -> jedis.incr("count"))));
        RedisPod oldMaster = start(launchRedis(0, Map.of()));

        assertTrue(oldMaster.log().contains("redis-0 starts as a replica of 127.0.0.1:" + redisPorts[promoted]),
                oldMaster.log());
        await("the old master to replicate the new one").atMost(SYNC)
                .until(() -> "6".equals(oldMaster.call(jedis -> jedis.get("count"))));
        assertTrue(oldMaster.call(jedis -> jedis.info("replication")).contains("role:slave"));
    }

    /**
     * The master's volume is lost: named the master by the sentinels, it refuses to start empty
     * while the replicas hold the count; left down, it is replaced by a failover, and then starts as
     * a replica of the promoted pod, with the count.
     */
    @Test
    void aMasterWhoseVolumeWasWipedNeverStartsEmptyWhileTheReplicasHoldData() throws IOException {
        newSystem(Map.of());
        redis(0).call(jedis -> jedis.incrBy("count", 7));
        awaitReplicasHave("7");
        redis(0).crash();
        wipeTheRedisDataOf(0);

        Repository.Result refused = launchRedis(0, Map.of()).refusal();

        assertAll(
                () -> assertFalse(refused.succeeded(), refused.describe()),
                () -> assertTrue(refused.stderr().contains("redis-0 has no data on its volume"), refused.describe()),
                () -> assertTrue(refused.stderr().contains("\"Planned master maintenance\""), refused.describe()));
        int promoted = awaitFailoverAwayFrom(0);
        RedisPod restarted = start(launchRedis(0, Map.of()));
        assertTrue(restarted.log().contains("starts as a replica of 127.0.0.1:" + redisPorts[promoted]), restarted.log());
        await("the restarted pod to get the count from the promoted one").atMost(SYNC)
                .until(() -> "7".equals(restarted.call(jedis -> jedis.get("count"))));
    }

    /**
     * A pod's whole volume is lost while its master is down: its new sentinel cannot learn the
     * replicas from the master, so it takes them from the other sentinels. Knowing none, it could
     * win the election, abort for want of a replica, and hold every failover back for twice the
     * failover timeout.
     */
    @Test
    void aSentinelThatLostItsConfigWhileTheMasterIsDownKnowsTheReplicas() throws IOException {
        newSystem(Map.of());
        redis(0).crash();
        sentinel(0).crash();
        Files.delete(RedisPod.sentinelConf(work.resolve("redis-0")));

        RedisPod fresh = start(launchSentinel(0, PASSWORD));

        var known = fresh.call(jedis -> jedis.sentinelReplicas(MASTER)).stream().map(replica -> replica.get("port"))
                .collect(Collectors.toSet());
        assertEquals(Set.of(String.valueOf(redisPorts[1]), String.valueOf(redisPorts[2])), known,
                "the replicas the new sentinel knows while the master is down:\n" + fresh.log());
        int promoted = awaitFailoverAwayFrom(0);
        assertTrue(promoted == 1 || promoted == 2, "promoted redis-" + promoted);
    }

    /**
     * Without a majority of the sentinels, a pod cannot know whether a failover made another pod
     * the master (one sentinel alone may have lost its config and named pod 0): it refuses, unless
     * it is the first start of a new system (pod 0, nothing on its volume, no other Redis holding
     * data). Once pod 0 has run, its volume is not empty, and the exception is over.
     */
    @Test
    void withoutAMajorityOfTheSentinelsOnlyTheFirstStartOfANewSystemStarts() {
        start(launchSentinel(0, PASSWORD)); // one of three: it monitors pod 0, as one that lost its config would
        Map<String, String> noSentinel = Map.of("REDIS_SENTINEL_WAIT_SECONDS", "2");

        Repository.Result replica = launchRedis(1, noSentinel).refusal();
        assertFalse(replica.succeeded(), replica.describe());
        assertTrue(replica.stderr().contains("no majority of the sentinels of counter answered within 2 s")
                && replica.stderr().contains("\"Recovery from a total loss\""), replica.describe());
        sentinel(0).close();

        Map<String, String> alone = new HashMap<>(noSentinel);
        alone.put("REDIS_PEERS", "none"); // no other pod exists yet
        RedisPod first = start(launchRedis(0, alone));
        assertTrue(first.log().contains("the first start of a new system"), first.log());
        assertTrue(first.call(jedis -> jedis.info("replication")).contains("role:master"));
        first.close(); // its append-only file is on the volume now

        Repository.Result again = launchRedis(0, noSentinel).refusal();
        assertFalse(again.succeeded(), again.describe());
        assertTrue(again.stderr().contains("no majority of the sentinels of counter answered"), again.describe());
    }

    /** The first-start exception still asks the other pods: one that holds data stops it. */
    @Test
    void withoutSentinelsAnEmptyPodZeroStillRefusesWhileAnotherPodHoldsData() {
        RedisPod other = start(RedisPod.launch(work, "other-0", redisPorts[1], PASSWORD, Map.of()));
        started.add(other);
        other.call(jedis -> jedis.set("count", "3"));

        Repository.Result refused = launchRedis(0, Map.of("REDIS_SENTINELS", "127.0.0.1:" + sentinelPorts[0],
                "REDIS_SENTINEL_WAIT_SECONDS", "1", "REDIS_PEERS", "127.0.0.1:" + redisPorts[1])).refusal();

        assertFalse(refused.succeeded(), refused.describe());
        assertTrue(refused.stderr().contains("the replica 127.0.0.1 holds 1 keys"), refused.describe());
    }

    /**
     * A restarted sentinel keeps what Sentinel wrote into its config on the volume (its id, the
     * epoch and master of the last failover, the pods it knows even when one does not resolve) and
     * takes the password it is given now: Sentinel writes passwords back unquoted, which it could
     * not read again.
     */
    @Test
    void aRestartedSentinelKeepsItsEpochAndTakesTheCurrentPassword() throws IOException {
        newSystem(Map.of());
        String failover = RedisPod.call(sentinelPorts[0], PASSWORD, jedis -> jedis.sentinelFailover(MASTER));
        assertEquals("OK", failover);
        int promoted = awaitFailoverAwayFrom(0);
        Map<String, String> before = sentinelMaster(1);
        String id = sentinel(1).call(Jedis::sentinelMyId);
        sentinel(1).close();
        Path conf = RedisPod.sentinelConf(work.resolve("redis-1"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)),
                "the sentinel config holds the password");
        // A pod whose name does not resolve while it is down stays known (Sentinel 7 loads it).
        Files.writeString(conf, "sentinel known-replica counter redis-9.gone.invalid 6379\n",
                java.nio.file.StandardOpenOption.APPEND);

        start(launchSentinel(1, PASSWORD));

        Map<String, String> after = sentinelMaster(1);
        assertAll(
                () -> assertNotEquals("0", before.get("config-epoch"), "a failover raises the epoch"),
                () -> assertEquals(before.get("config-epoch"), after.get("config-epoch"), "the epoch"),
                () -> assertEquals(String.valueOf(redisPorts[promoted]), after.get("port"), "the master"),
                () -> assertEquals(id, sentinel(1).call(Jedis::sentinelMyId), "the sentinel's id"));

        sentinel(1).close();
        start(launchSentinel(1, "rotated: ' \" # \\ too"));
        assertThrows(JedisException.class, () -> RedisPod.call(sentinelPorts[1], PASSWORD, Jedis::ping),
                "the sentinel still takes the old password");
    }

    /** sentinel-start.sh stops before it starts a sentinel, and says why. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "REDISCLI_AUTH|''|REDISCLI_AUTH must hold the Redis password",
        "REDIS_MIN_REPLICAS_MAX_LAG|2|REDIS_MIN_REPLICAS_MAX_LAG (2 s) plus 2 s must not exceed REDIS_SENTINEL_DOWN_AFTER_MS (3000 ms)",
        "REDIS_MIN_REPLICAS_MAX_LAG|3|would still take writes when the sentinels promote another",
        "REDIS_SENTINEL_DOWN_AFTER_MS|5s|REDIS_SENTINEL_DOWN_AFTER_MS must be a whole number, not '5s'",
        "REDIS_SENTINEL_QUORUM|0|REDIS_SENTINEL_QUORUM must be 1 or more",
        "REDIS_SENTINEL_QUORUM|two|REDIS_SENTINEL_QUORUM must be a whole number",
        "REDIS_SENTINEL_FAILOVER_TIMEOUT_MS|-1|REDIS_SENTINEL_FAILOVER_TIMEOUT_MS must be a whole number",
        "REDIS_SENTINEL_MASTER_NAME|my master|REDIS_SENTINEL_MASTER_NAME must be letters"})
    void refusesAMissingOrMalformedSetting(String variable, String value, String message) {
        Map<String, String> environment = podEnvironment(0, Map.of());
        environment.putAll(Map.of("PATH", RedisPod.path(), "POD_NAME", "redis-0", "REDISCLI_AUTH", PASSWORD,
                "SENTINEL_CONF_FILE", RedisPod.sentinelConf(work.resolve("redis-0")).toString()));
        environment.put(variable, value);

        Repository.Result result = Repository.run(environment, Path.of("/bin/sh"), RedisPod.SENTINEL_SCRIPT.toString());

        assertFalse(result.succeeded(), "started with " + environment);
        assertTrue(result.stderr().contains(message), result.describe());
        assertFalse(Files.exists(RedisPod.sentinelConf(work.resolve("redis-0"))), "a config was written anyway");
    }

    /** Three sentinels and three Redis pods started at once, as the StatefulSet's Parallel policy does. */
    private void newSystem(Map<String, String> redisZeroExtra) {
        for (int pod = 0; pod < PODS; pod++) {
            launchSentinel(pod, PASSWORD);
            launchRedis(pod, pod == 0 ? redisZeroExtra : Map.of());
        }
        Stream.concat(Stream.of(sentinels), Stream.of(redis)).forEach(RedisPod::answering);
        // A failover needs a leader that knows the replicas and the other sentinels.
        for (int pod = 0; pod < PODS; pod++) {
            RedisPod sentinel = sentinel(pod);
            await("sentinel " + pod + " to know pod 0 as the master, 2 replicas and 2 other sentinels")
                    .atMost(DISCOVERY)
                    .until(() -> sentinel.call(jedis -> List.of("127.0.0.1", String.valueOf(redisPorts[0]))
                            .equals(jedis.sentinelGetMasterAddrByName(MASTER))
                            && jedis.sentinelReplicas(MASTER).stream().filter(r -> !r.get("flags").contains("down"))
                                    .count() == PODS - 1
                            && jedis.sentinelSentinels(MASTER).size() == PODS - 1));
        }
        // The fencing lets a write through only once a replica is in sync (NOREPLICAS before).
        await("redis-0 to count its replicas as in sync").atMost(SYNC).until(() -> redis(0)
                .call(jedis -> jedis.info("replication")).contains("min_slaves_good_slaves:" + (PODS - 1)));
    }

    /** Waits until every running sentinel names another master than pod {@code old}, the same one; its pod. */
    private int awaitFailoverAwayFrom(int old) {
        return await("a failover away from redis-" + old).atMost(FAILOVER).ignoreExceptions().until(() -> {
            var masters = IntStream.range(0, PODS).mapToObj(pod -> sentinel(pod).call(
                    jedis -> jedis.sentinelGetMasterAddrByName(MASTER).get(1))).collect(Collectors.toSet());
            return masters.size() == 1 ? podListeningOn(Integer.parseInt(masters.iterator().next())) : old;
        }, pod -> pod != old);
    }

    private void awaitReplicasHave(String count) {
        for (int pod = 1; pod < PODS; pod++) {
            RedisPod replica = redis(pod);
            await("redis-" + pod + " to have the count").atMost(SYNC)
                    .until(() -> count.equals(replica.call(jedis -> jedis.get("count"))));
        }
    }

    private Map<String, String> sentinelMaster(int pod) {
        return sentinel(pod).call(jedis -> jedis.sentinelMaster(MASTER));
    }

    private int podListeningOn(int port) {
        return IntStream.range(0, PODS).filter(pod -> redisPorts[pod] == port).findFirst().orElseThrow();
    }

    private RedisPod redis(int pod) {
        return redis[pod];
    }

    private RedisPod sentinel(int pod) {
        return sentinels[pod];
    }

    private RedisPod start(RedisPod pod) {
        return pod.answering();
    }

    /** Runs redis-start.sh for a pod, on its volume; the pod's Redis from now on. */
    private RedisPod launchRedis(int pod, Map<String, String> extra) {
        redis[pod] = RedisPod.launch(work, "redis-" + pod, redisPorts[pod], PASSWORD, podEnvironment(pod, extra));
        started.add(redis[pod]);
        return redis[pod];
    }

    /** Runs sentinel-start.sh for a pod, on its volume, with this password; the pod's sentinel from now on. */
    private RedisPod launchSentinel(int pod, String password) {
        sentinels[pod] = RedisPod.launchSentinel(work, "redis-" + pod, sentinelPorts[pod], password,
                podEnvironment(pod, Map.of("REDISCLI_AUTH", password)));
        started.add(sentinels[pod]);
        return sentinels[pod];
    }

    /**
     * What both containers of pod {@code pod} get from the redis-config ConfigMap and the
     * StatefulSet, with local addresses: the sentinels, the other pods, and REDIS_MIN_REPLICAS_TO_WRITE
     * as the base ConfigMap sets it.
     */
    private Map<String, String> podEnvironment(int pod, Map<String, String> extra) {
        Map<String, String> environment = new HashMap<>(TIMING);
        environment.put("REDIS_SENTINEL_MASTER_NAME", MASTER);
        environment.put("REDIS_SENTINEL_QUORUM", "2");
        environment.put("REDIS_SENTINELS", IntStream.of(sentinelPorts).mapToObj(port -> "127.0.0.1:" + port)
                .collect(Collectors.joining(",")));
        environment.put("REDIS_PEERS", IntStream.range(0, PODS).filter(other -> other != pod)
                .mapToObj(other -> "127.0.0.1:" + redisPorts[other]).collect(Collectors.joining(" ")));
        environment.put("REDIS_MASTER_HOST", "127.0.0.1");
        environment.put("REDIS_MASTER_PORT", String.valueOf(redisPorts[0]));
        environment.put("REDIS_MIN_REPLICAS_TO_WRITE", "0");
        environment.putAll(extra);
        return environment;
    }

    private static Map<String, String> sentinelProbe(int port, String password) {
        return Map.of("REDISCLI_AUTH", password, "REDIS_SENTINEL_PORT", String.valueOf(port));
    }

    /** The Redis data on the pod's volume is gone; the sentinel's config beside it stays. */
    private void wipeTheRedisDataOf(int pod) throws IOException {
        Path data = work.resolve("redis-" + pod).resolve("data");
        try (Stream<Path> files = Files.list(data)) {
            for (Path entry : files.filter(entry -> !entry.getFileName().toString().equals("sentinel")).toList()) {
                try (Stream<Path> tree = Files.walk(entry)) {
                    for (Path file : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
    }
}
