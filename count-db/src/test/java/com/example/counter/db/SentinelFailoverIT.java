package com.example.counter.db;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import com.example.counter.localredis.RedisNode;
import com.example.counter.localredis.RedisServerBinary;
import com.example.counter.testsupport.LocalSentinels;

/**
 * Writes in Sentinel mode ({@code counter.redis.sentinel.*}) against real processes on 127.0.0.1:
 * a master and two replicas, fenced as in the cluster ({@code min-replicas-to-write 1}), and three
 * sentinels (quorum 2, down-after 1 s), all with one password. Writes wait for one replica
 * ({@code WAIT 1}), as the Sentinel component configures. Every test starts from a fresh topology
 * with the master on {@link #REDIS_PORTS}[0].
 */
class SentinelFailoverIT {

    private static final String PASSWORD = "sentinel-it-password";
    private static final String MASTER_NAME = "counter";
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration DOWN_AFTER = Duration.ofMillis(1000);
    /** How long writes may be unavailable around a failover here: down-after plus election and promotion. */
    private static final Duration FAILOVER_BOUND = DOWN_AFTER.plusSeconds(14);
    private static final int[] REDIS_PORTS = {16400, 16401, 16402};
    private static final List<Integer> SENTINEL_PORTS = List.of(16410, 16411, 16412);
    /** The fencing of the Sentinel mode: a master without a replica refuses writes (NOREPLICAS). */
    private static final List<String> FENCING = List.of("min-replicas-to-write 1", "min-replicas-max-lag 1");

    private final List<RedisNode> redis = new ArrayList<>();
    private LocalSentinels sentinels;
    private RedisPools pools;

    @BeforeEach
    void startRedis(TestInfo test) {
        Path dir = Path.of(System.getProperty("counter.test.redis.dir", "target/redis"))
                .resolve("sentinel").resolve(test.getTestMethod().orElseThrow().getName());
        Path binary = RedisServerBinary.locate(dir.resolve("bin"));
        deleteData(dir);
        redis.add(RedisNode.master(binary, REDIS_PORTS[0], dir.resolve("redis-0"), PASSWORD, FENCING).start());
        for (int i = 1; i < REDIS_PORTS.length; i++) {
            redis.add(RedisNode.replica(binary, REDIS_PORTS[i], dir.resolve("redis-" + i), PASSWORD, REDIS_PORTS[0], FENCING)
                    .start());
        }
        redis.subList(1, redis.size()).forEach(replica -> replica.awaitInSyncWith(redis.get(0), Duration.ofSeconds(20)));
        sentinels = new LocalSentinels(binary, dir.resolve("sentinels"), MASTER_NAME, REDIS_PORTS[0], PASSWORD,
                DOWN_AFTER, SENTINEL_PORTS);
    }

    @AfterEach
    void stopAll() {
        if (pools != null) {
            pools.close();
        }
        sentinels.close();
        redis.forEach(RedisNode::stop);
    }

    private void startSentinels() {
        sentinels.start().awaitReady(REDIS_PORTS.length - 1, Duration.ofSeconds(30));
    }

    /**
     * Sentinel mode: the write-uri names a host that does not exist, so a write that reached Redis
     * went where the sentinels said. Reads go to the last replica (never the first master).
     */
    private CountDBConfig settings() {
        CountDBConfig config = Configs.of("redis://write-uri-not-used.invalid:1",
                "redis://127.0.0.1:" + REDIS_PORTS[2], PASSWORD, TIMEOUT);
        config.sentinelMasterName = Optional.of(MASTER_NAME);
        config.sentinelNodes = Optional.of(sentinels.nodes());
        config.writeMinReplicas = 1;
        config.writeWaitMillis = TIMEOUT.toMillis() / 2;
        return config.validate();
    }

    private RedisCountDB db() {
        CountDBConfig config = settings();
        pools = new RedisPools(config);
        return new RedisCountDB(config, pools, new ReadRoute(pools, config, RedisMonitor.NONE));
    }

    private RedisNode node(int port) {
        return redis.stream().filter(node -> node.port() == port).findFirst().orElseThrow();
    }

    /** Connections that this service's clients hold to one Redis (they are named "counter"). */
    private static long ourConnections(RedisNode node) {
        return ((String) node.call("CLIENT", "LIST")).lines().filter(line -> line.contains(" name=counter ")).count();
    }

    /** Increments until one is answered, within {@link #FAILOVER_BOUND}; its answer. */
    private static long incrementUntilAnswered(RedisCountDB db) {
        AtomicLong answer = new AtomicLong();
        await("an increment to be answered after the failover")
                .atMost(FAILOVER_BOUND)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(CountDBUnavailableException.class)
                .until(() -> {
                    answer.set(db.increment());
                    return true;
                });
        return answer.get();
    }

    @Test
    void writesGoToTheMasterTheSentinelsNameAndWaitForAReplica() {
        startSentinels();
        RedisCountDB db = db();

        assertEquals(1, db.increment());
        assertEquals(2, db.increment());

        assertEquals("2", redis.get(0).call("GET", "count"), "the master the sentinels name holds the count");
        long replicasWithIt = redis.subList(1, 3).stream().filter(replica -> "2".equals(replica.call("GET", "count"))).count();
        assertTrue(replicasWithIt >= 1, "WAIT 1: a replica had the increment when it was answered");
        assertTrue(pools.master().endpoint().contains("127.0.0.1:" + REDIS_PORTS[0]),
                "the write endpoint is reported as the master: " + pools.master().endpoint());
    }

    @Test
    void closingStopsTheSentinelListeners() {
        startSentinels();
        RedisCountDB db = db();
        assertEquals(1, db.increment());
        assertEquals(SENTINEL_PORTS.size(), sentinelListeners(), "Jedis listens to each sentinel for +switch-master");

        pools.close();
        pools = null;

        await("the sentinel listener threads to end").atMost(Duration.ofSeconds(5)).until(() -> sentinelListeners() == 0);
        assertEquals(0, ourConnections(redis.get(0)), "and the connections to the master are closed");
    }

    /** Jedis's threads that listen to the sentinels (named after the master). */
    private static long sentinelListeners() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(MASTER_NAME + "-SentinelListener-"))
                .count();
    }

    @Test
    void afterAPlannedFailoverWritesContinueOnTheNewMaster() {
        startSentinels();
        RedisCountDB db = db();
        assertEquals(1, db.increment());

        long start = System.nanoTime();
        sentinels.failover();
        await("the sentinels to name another master").atMost(FAILOVER_BOUND).pollInterval(Duration.ofMillis(20))
                .until(() -> sentinels.masterPort() != REDIS_PORTS[0]);
        long answer = incrementUntilAnswered(db);
        System.out.printf("SentinelFailoverIT: after SENTINEL FAILOVER, a write was answered by the new master %d ms"
                + " later%n", Duration.ofNanos(System.nanoTime() - start).toMillis());

        int newMaster = sentinels.masterPort();
        assertTrue(answer >= 2, "the count continues from the old master's, got " + answer);
        assertEquals(Long.toString(answer), node(newMaster).call("GET", "count"), "the increment went to the new master");
        // Sentinel closes the demoted master's client connections (CLIENT KILL) as it converts it.
        await("the demoted master to be a replica").atMost(FAILOVER_BOUND).ignoreExceptions()
                .until(() -> node(REDIS_PORTS[0]).info("replication", "role").orElse(""), "slave"::equals);
        assertEquals(answer + 1, db.increment(), "and the next one too");
        assertEquals(0, ourConnections(node(REDIS_PORTS[0])), "no connection to the demoted master stays open");
    }

    @Test
    void afterTheMasterIsKilledWritesResumeOnThePromotedReplica() {
        startSentinels();
        RedisCountDB db = db();
        assertEquals(1, db.increment());

        long start = System.nanoTime();
        redis.get(0).kill();
        long answer = incrementUntilAnswered(db);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("SentinelFailoverIT: writes answered again %d ms after the master was killed"
                + " (down-after %d ms)%n", took.toMillis(), DOWN_AFTER.toMillis());

        int newMaster = sentinels.masterPort();
        assertNotEquals(REDIS_PORTS[0], newMaster);
        assertTrue(answer >= 2, "the count continues from the old master's, got " + answer);
        assertEquals(Long.toString(answer), node(newMaster).call("GET", "count"));
    }

    @Test
    void startsWithoutSentinelsAndWritesOnceTheyAnswer() {
        RedisCountDB db = db();

        long start = System.nanoTime();
        CountDBUnavailableException e = assertThrows(CountDBUnavailableException.class, db::increment);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(e.getMessage().contains("sentinel"), "the message should say no sentinel answered: " + e.getMessage());
        assertTrue(took.compareTo(TIMEOUT) < 0, "with no sentinel up, failing took " + took.toMillis() + " ms");
        assertTrue(pools.master().ping().orElseThrow().contains("sentinel"), "readiness would say why");

        startSentinels();
        assertEquals(1, incrementUntilAnswered(db), "the same instance writes once the sentinels answer");
        assertEquals("1", redis.get(0).call("GET", "count"));
    }

    /**
     * While no sentinel answers, writes fail fast without a connection attempt each: the sentinels
     * are asked again at most once a second. The "sentinel" here is a socket that accepts and hangs
     * up, so that each attempt can be counted.
     */
    @Test
    void anUnansweringSentinelIsAskedAtMostOnceASecond() throws Exception {
        try (ServerSocket hangsUp = new ServerSocket(16419, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger attempts = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!hangsUp.isClosed()) {
                    try (Socket attempt = hangsUp.accept()) {
                        attempts.incrementAndGet();
                    } catch (IOException closed) {
                        // the test is over
                    }
                }
            });
            acceptor.start();
            CountDBConfig config = settings();
            config.sentinelNodes = Optional.of("127.0.0.1:16419");
            pools = new RedisPools(config.validate());
            RedisCountDB db = new RedisCountDB(config, pools, new ReadRoute(pools, config, RedisMonitor.NONE));

            long start = System.nanoTime();
            int refused = 0;
            while (System.nanoTime() - start < Duration.ofMillis(2500).toNanos()) {
                assertThrows(CountDBUnavailableException.class, db::increment);
                refused++;
            }

            assertTrue(refused > 20, "each write should fail fast, but only " + refused + " failed in 2.5 s");
            assertTrue(attempts.get() >= 2 && attempts.get() <= 3,
                    "in 2.5 s the sentinel should be asked 2 or 3 times (once a second), not " + attempts.get());
        }
    }

    /**
     * The sentinels are pointed at another master without a failover (so without
     * {@code +switch-master}): the client learns it only from the old master's READONLY, which
     * must make it ask the sentinels again rather than fail forever.
     */
    @Test
    void aDemotedMasterAnsweringReadOnlyIsLeftForTheMasterTheSentinelsNameNow() {
        startSentinels();
        RedisCountDB db = db();
        assertEquals(1, db.increment());
        assertTrue(ourConnections(redis.get(0)) > 0, "the write client holds a connection to the master");

        int newMaster = REDIS_PORTS[1];
        String port = Integer.toString(newMaster);
        node(newMaster).call("REPLICAOF", "NO", "ONE");
        redis.get(0).call("REPLICAOF", "127.0.0.1", port);
        redis.get(2).call("REPLICAOF", "127.0.0.1", port);
        for (int sentinel : sentinels.ports()) {
            sentinels.call(sentinel, "SENTINEL", "REMOVE", MASTER_NAME);
            sentinels.call(sentinel, "SENTINEL", "MONITOR", MASTER_NAME, "127.0.0.1", port, "2");
            sentinels.call(sentinel, "SENTINEL", "SET", MASTER_NAME, "auth-pass", PASSWORD);
        }
        await("the old master to be a replica").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> redis.get(0).info("replication", "role").orElse(""), "slave"::equals);

        CountDBUnavailableException refused = assertThrows(CountDBUnavailableException.class, db::increment);
        assertTrue(refused.getMessage().contains("READONLY"), "the demoted master refused it: " + refused.getMessage());
        long answer = incrementUntilAnswered(db);

        assertEquals(2, answer, "the refused write was not applied anywhere");
        assertEquals("2", node(newMaster).call("GET", "count"));
        assertEquals(3, db.increment());
        assertEquals(0, ourConnections(redis.get(0)), "no connection to the demoted master stays open");
    }

    private static void deleteData(Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(dir)) {
            // Keep the redis-server binary that RedisServerBinary may have unpacked under bin/.
            paths.sorted(java.util.Comparator.reverseOrder())
                    .filter(path -> !path.startsWith(dir.resolve("bin")))
                    .forEach(path -> path.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
