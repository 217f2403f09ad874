package com.example.counter.failover;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

import com.example.counter.testsupport.Http;
import com.example.counter.testsupport.ManagementPort;

/**
 * The Sentinel mode under faults (issue 13): three Redis pods, each a network namespace running the
 * real redis-start.sh and sentinel-start.sh, and web-inc on a real Liberty server that finds the
 * master through the sentinels. In each case 64 clients increment with Idempotency-Keys through the
 * fault; at its end every key answered 200 is in Redis with its count, the count is at least the
 * highest 200, and no count went to two keys. Each case has fresh pods and volumes; the server
 * lives across cases, as a service outlives Redis pods. The failover time is printed against the
 * target (down-after + 3 s) and only bounded loosely, to catch a hang.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {

    private static final int CLIENTS = 64;
    private static final String PASSWORD = System.getProperty("counter.test.redis.password", "failover-it-password");
    private static final Duration DOWN_AFTER = Duration.ofMillis(Integer.getInteger("counter.test.down-after-ms", 2000));
    private static final Duration TARGET = DOWN_AFTER.plusSeconds(3);
    /** Far above the target: failing it means the system hung, not that it was slow. */
    private static final Duration HANG = Duration.ofSeconds(45);
    private static final Path WORK = Path.of(System.getProperty("counter.test.work-dir", "target/failover"));
    private static final Path JVM_HOSTS = Path.of(System.getProperty("counter.test.hosts-file", WORK.resolve("jvm-hosts").toString()));
    private static final PodSpec SPEC = new PodSpec(
            Path.of(System.getProperty("counter.test.redis-start", "../kustomize/base/redis/redis-start.sh")),
            Path.of(System.getProperty("counter.test.sentinel-start", "../kustomize/components/sentinel/sentinel-start.sh")),
            PASSWORD, (int) DOWN_AFTER.toMillis());
    private static final LibertyServer SERVER = new LibertyServer();
    private static final Http HTTP = new Http(System.getProperty("counter.test.base-uri", "http://localhost:19084"));
    private static final List<String> REPORT = new CopyOnWriteArrayList<>();

    private Pods pods;
    private String name;
    private long caseStart;

    @BeforeAll
    static void requireNamespaces() {
        Network.requireNamespaces();
    }

    @BeforeEach
    void freshPods(TestInfo test) {
        name = test.getTestMethod().orElseThrow().getName();
        caseStart = System.nanoTime();
        pods = new Pods(WORK.resolve(name), JVM_HOSTS, SPEC);
    }

    @AfterEach
    void removePods() {
        if (pods != null) {
            pods.close();
        }
        report(String.format("case took %.1f s", (System.nanoTime() - caseStart) / 1e9));
    }

    @AfterAll
    static void stopServer() {
        SERVER.stop();
        new Network(Pods.COUNT).destroy();
        System.out.println("==== failover report (down-after " + DOWN_AFTER.toMillis() + " ms, target " + TARGET.toMillis() + " ms)");
        REPORT.forEach(line -> System.out.println("  " + line));
    }

    private void report(String line) {
        String entry = name + ": " + line;
        REPORT.add(entry);
        System.out.println("[failover] " + entry);
    }

    // ---- the cases, in order of priority; each independent of the others (fresh pods) ----

    @Test
    @Order(1)
    void serviceStartedWithNoSentinelUpAnswers503ThenRecovers() throws Exception {
        if (SERVER.running()) {
            SERVER.stop();
        }
        SERVER.start();
        await("the server to answer on its management port").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> ManagementPort.http().get("/health/live").statusCode() == 200);
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> refused = HTTP.post("/inc");
            assertEquals(503, refused.statusCode(), "with no sentinel up an increment is unavailable: " + refused.body());
            Thread.sleep(200);
        }
        assertEquals(503, ManagementPort.http().get("/health/ready").statusCode(), "not ready while no sentinel answers");

        try (IncrementLoad load = new IncrementLoad(HTTP, CLIENTS)) {
            long podsStarted = System.nanoTime();
            pods.startAll();
            pods.awaitHealthy(Duration.ofSeconds(60));
            long healthy = System.nanoTime();
            awaitMoreAcknowledged(load, 0, 300, HANG);
            long firstOk = load.attempts().stream().filter(IncrementLoad.Attempt::ok).mapToLong(IncrementLoad.Attempt::end).min().orElseThrow();
            report(String.format("pods healthy %.1f s after they started; the first 200 %.1f s after they started",
                    (healthy - podsStarted) / 1e9, (firstOk - podsStarted) / 1e9));
            load.stop();
            verify(load, pods.master().orElseThrow());
        }
    }

    @Test
    @Order(2)
    void masterKilled() throws Exception {
        Pod master = startSystem();
        try (IncrementLoad load = loadRunning()) {
            long fault = System.nanoTime();
            master.kill();
            Pod promoted = pods.awaitFailoverFrom(master, HANG);
            afterFault(load, fault, promoted);
        }
    }

    @Test
    @Order(3)
    void masterCutOffAlone() throws Exception {
        Pod master = startSystem();
        try (IncrementLoad load = loadRunning()) {
            long fault = System.nanoTime();
            pods.network.cut(master.ordinal);
            await("the isolated master to refuse writes (NOREPLICAS)").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> master.cli("INCR", "fencing-probe").output(), out -> out.contains("NOREPLICAS"));
            List<Integer> others = pods.all().stream().filter(p -> p != master).map(p -> p.ordinal).toList();
            await("the majority side to promote a replica").atMost(HANG).pollInterval(Duration.ofMillis(100))
                    .until(() -> pods.masterAccordingTo(others).filter(m -> m != master).isPresent());
            Pod promoted = pods.masterAccordingTo(others).orElseThrow();
            afterFault(load, fault, promoted);
            String fenced = master.cli("INCR", "fencing-probe").output();
            assertTrue(fenced.contains("NOREPLICAS"), "the isolated old master must still refuse writes: " + fenced);
            report("the isolated side answered: " + fenced);
            pods.network.reconnect(master.ordinal);
            pods.awaitReplicaOf(master, promoted, HANG);
            assertEquals(promoted, pods.awaitHealthy(HANG), "the reconnected old master must not take the role back");
            verify(load, promoted);
        }
    }

    /**
     * The one case where the promise allows a loss: a master stalled past down-after that resumes
     * between the promotion and the other replica's switch takes writes that this replica
     * acknowledges and then drops, when it follows the promoted one. So a loss here must be only of
     * increments answered in that window (after the resume, before the other replica followed the
     * new master), and only when there was a failover; anything else is a failure. The moment of the
     * freeze and its length are random; the seed is printed.
     */
    @Test
    @Order(4)
    void masterFrozenPastDownAfterAndResumed() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Pod master = startSystem();
        try (IncrementLoad load = loadRunning()) {
            Thread.sleep(random.nextInt(2000));
            Duration frozen = DOWN_AFTER.plusMillis(500 + random.nextInt(4500));
            long fault = System.nanoTime();
            master.redis.freeze();
            Thread.sleep(frozen.toMillis());
            master.redis.thaw();
            long resumed = System.nanoTime();
            long switched = pods.awaitOtherReplicaSwitched(master, Duration.ofSeconds(10)).orElse(Long.MIN_VALUE);
            Pod after = pods.awaitHealthy(HANG);
            report("seed " + seed + ": frozen for " + frozen.toMillis() + " ms; " + (after == master
                    ? "no failover (it resumed first), still the master"
                    : String.format("failed over to %s; the other replica followed it %.2f s after the resume", after,
                            (switched - resumed) / 1e9)));
            awaitMoreAcknowledged(load, load.acknowledgedCount(), 300, HANG);
            load.stop();
            reportOutage(load, fault);
            Map<String, Long> acknowledged = load.acknowledged();
            List<String> lost = StoredIncrements.lost(after, PASSWORD, acknowledged);
            if (!lost.isEmpty()) {
                LongSummaryStatistics when = lost.stream().mapToLong(load::acknowledgedAt).summaryStatistics();
                report(String.format("%d increments answered 200 were lost, answered %.2f to %.2f s after the resume:"
                        + " the documented window", lost.size(), (when.getMin() - resumed) / 1e9, (when.getMax() - resumed) / 1e9));
                assertNotEquals(master, after, "increments answered 200 were lost although no failover happened");
                // Half a second for an answer to travel from the old master through the service.
                assertTrue(when.getMin() >= resumed && when.getMax() <= switched + 500_000_000L,
                        "increments answered 200 were lost outside the window between the resume and the other replica's switch");
                lost.forEach(acknowledged::remove);
            }
            assertEquals(List.of(), load.wrongAnswers(), "increments may only be answered 200 or 503");
            assertEquals(List.of(), StoredIncrements.contradictions(after, PASSWORD, acknowledged),
                    "every increment answered 200 outside the window must be in Redis with its count");
        }
    }

    @Test
    @Order(5)
    void oldMasterRestartedOnItsVolumeComesBackAsAReplica() throws Exception {
        Pod master = startSystem();
        try (IncrementLoad load = loadRunning()) {
            long fault = System.nanoTime();
            master.kill();
            Pod promoted = pods.awaitFailoverFrom(master, HANG);
            awaitMoreAcknowledged(load, load.acknowledgedCount(), 200, HANG);
            master.start();
            pods.awaitReplicaOf(master, promoted, HANG);
            assertEquals(promoted, pods.master().orElseThrow(), "the old master's return must not take the role back");
            afterFault(load, fault, promoted);
        }
    }

    @Test
    @Order(6)
    void masterAndOneReplicaCutOffFromTheOtherReplicaNoFailover() throws Exception {
        Pod master = startSystem();
        Pod withMaster = pods.all().stream().filter(p -> p != master).findFirst().orElseThrow();
        Pod alone = pods.all().stream().filter(p -> p != master && p != withMaster).findFirst().orElseThrow();
        try (IncrementLoad load = loadRunning()) {
            long fault = System.nanoTime();
            pods.network.partition(List.of(master.ordinal, withMaster.ordinal), List.of(alone.ordinal));
            int before = load.acknowledgedCount();
            Thread.sleep(DOWN_AFTER.multipliedBy(3).toMillis());
            assertEquals(Optional.of(master), pods.masterAccordingTo(List.of(master.ordinal, withMaster.ordinal)),
                    "the majority still sees its master: no failover");
            assertTrue(load.acknowledgedCount() > before + 100, "writes go on while one replica is cut off");
            pods.network.healPartitions();
            assertEquals(master, pods.awaitHealthy(HANG), "after the partition heals the master is the same");
            afterFault(load, fault, master);
        }
    }

    @Test
    @Order(7)
    void masterVolumeWipedDoesNotStartAsAnEmptyMaster() throws Exception {
        Pod master = startSystem();
        AtomicBoolean watching = new AtomicBoolean(true);
        List<String> emptyMaster = new CopyOnWriteArrayList<>();
        try (IncrementLoad load = loadRunning()) {
            long fault = System.nanoTime();
            master.kill();
            master.wipeVolume();
            master.start();
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    if (master.replication("role").equals("master") && master.cli("DBSIZE").output().equals("0")) {
                        emptyMaster.add("at " + (System.nanoTime() - fault) / 1_000_000 + " ms after the wipe");
                    }
                }
            });
            watcher.start();
            try {
                Pod settled = pods.awaitHealthy(HANG);
                report("after the wipe the master is " + settled + "; " + master + " is " + master.replication("role"));
                afterFault(load, fault, settled);
            } finally {
                watching.set(false);
                watcher.join();
            }
        }
        assertEquals(List.of(), emptyMaster, "the wiped pod must never serve as an empty master");
    }

    @Test
    @Order(8)
    void allPodsAndSentinelsRestartedAtOnce() throws Exception {
        startSystem();
        try (IncrementLoad load = loadRunning()) {
            long fault = System.nanoTime();
            pods.killAll();
            pods.startAll();
            Pod master = pods.awaitHealthy(HANG);
            afterFault(load, fault, master);
        }
    }

    @Test
    @Order(9)
    void aPodsNameUnresolvableWhileItIsDown() throws Exception {
        Pod master = startSystem();
        try (IncrementLoad load = loadRunning()) {
            long fault = System.nanoTime();
            master.kill();
            pods.dns.hide(master.ordinal);
            Pod promoted = pods.awaitFailoverFrom(master, HANG);
            awaitMoreAcknowledged(load, load.acknowledgedCount(), 200, HANG);
            pods.dns.show(master.ordinal);
            master.start();
            pods.awaitReplicaOf(master, promoted, HANG);
            afterFault(load, fault, promoted);
        }
    }

    // ---- the steps every case shares ----

    /** Fresh pods up and healthy, the server up and writing to them; returns the master. */
    private Pod startSystem() {
        long started = System.nanoTime();
        pods.startAll();
        Pod master = pods.awaitHealthy(Duration.ofSeconds(60));
        SERVER.start();
        await("web-inc to write to the new pods").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> HTTP.post("/inc").statusCode() == 200);
        report(String.format("pods and service ready in %.1f s, master %s", (System.nanoTime() - started) / 1e9, master));
        return master;
    }

    /** The 64 clients, once they have had 300 increments answered. */
    private IncrementLoad loadRunning() {
        IncrementLoad load = new IncrementLoad(HTTP, CLIENTS);
        awaitMoreAcknowledged(load, 0, 300, Duration.ofSeconds(30));
        return load;
    }

    private static void awaitMoreAcknowledged(IncrementLoad load, int from, int more, Duration within) {
        await(more + " more increments answered 200").atMost(within).pollInterval(Duration.ofMillis(50))
                .until(() -> load.acknowledgedCount() >= from + more);
    }

    /** Writes come back (within the hang bound), the failover time is reported, and nothing is lost. */
    private void afterFault(IncrementLoad load, long fault, Pod master) throws Exception {
        awaitMoreAcknowledged(load, load.acknowledgedCount(), 300, HANG);
        load.stop();
        reportOutage(load, fault);
        verify(load, master);
    }

    private void reportOutage(IncrementLoad load, long fault) {
        Optional<Outage> outage = Outage.after(fault, load.attempts());
        report(outage.map(o -> o.against(TARGET)).orElse("no write failed") + "; " + load.acknowledgedCount()
                + " increments answered 200");
        outage.ifPresent(o -> assertTrue(o.failing().compareTo(HANG) < 0, "writes came back only after " + o.failing()));
    }

    private void verify(IncrementLoad load, Pod master) {
        assertEquals(List.of(), load.wrongAnswers(), "increments may only be answered 200 or 503");
        assertEquals(List.of(), StoredIncrements.contradictions(master, PASSWORD, load.acknowledged()),
                "every increment answered 200 must be in Redis with its count");
    }
}
