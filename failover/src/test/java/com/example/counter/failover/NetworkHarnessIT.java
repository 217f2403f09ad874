package com.example.counter.failover;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness itself, with plain redis-server processes: each namespace has its own address, the
 * pods' names resolve as the hosts files say (and stop when hidden), and every fault the failover
 * tests inject really separates what it should and heals. Without this, a failover test could pass
 * because its fault was no fault.
 */
class NetworkHarnessIT {

    private static final Path DIR = Path.of(System.getProperty("counter.test.work-dir", "target/failover"), "harness");
    private static final Network NETWORK = new Network(2);
    private static HostsFiles dns;
    private static Container master;
    private static Container replica;

    @BeforeAll
    static void start() throws Exception {
        Network.requireNamespaces();
        NETWORK.create();
        dns = new HostsFiles(2, DIR.resolve("jvm-hosts"));
        dns.write();
        master = plainRedis(0, "--appendonly", "no");
        replica = plainRedis(1, "--replicaof", HostsFiles.podName(0), "6379", "--masterauth", "harness");
        await("the replica to sync from the master by its name").atMost(Duration.ofSeconds(20))
                .until(() -> cli(1, "127.0.0.1", "INFO", "replication").output().contains("master_link_status:up"));
    }

    private static Container plainRedis(int ordinal, String... args) throws Exception {
        Path dir = Files.createDirectories(DIR.resolve("redis-" + ordinal));
        List<String> command = new ArrayList<>(List.of(System.getenv().getOrDefault("REDIS_SERVER", "redis-server"),
                "--port", "6379", "--dir", dir.toString(), "--save", "", "--requirepass", "harness"));
        command.addAll(List.of(args));
        Container container = new Container("redis-" + ordinal, Network.namespace(ordinal), command, Map.of(), dir.resolve("redis.log"));
        container.start();
        return container;
    }

    @AfterAll
    static void stop() {
        if (master != null) {
            master.kill();
        }
        if (replica != null) {
            replica.kill();
        }
        NETWORK.destroy();
    }

    private static Cmd cli(int ordinal, String host, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", Network.namespace(ordinal),
                "timeout", "2", "redis-cli", "-h", host, "-p", "6379"));
        command.addAll(List.of(args));
        return Cmd.run(Map.of("REDISCLI_AUTH", "harness"), command);
    }

    @Test
    void eachPodHasItsOwnAddressAndReachesTheOthersByName() {
        assertEquals("PONG", cli(1, HostsFiles.podName(0), "PING").output());
        assertEquals("PONG", Cmd.run(Map.of("REDISCLI_AUTH", "harness"),
                List.of("timeout", "2", "redis-cli", "-h", Network.address(0), "PING")).output(), "the root namespace reaches the pods");
        String peer = cli(0, "127.0.0.1", "CLIENT", "LIST", "TYPE", "replica").output();
        assertTrue(peer.contains("addr=" + Network.address(1) + ":"), "the master sees the replica at its own address: " + peer);
    }

    @Test
    void aCutPodReachesNothingAndNothingReachesItUntilReconnected() {
        NETWORK.cut(0);
        try {
            assertNotEquals("PONG", cli(1, HostsFiles.podName(0), "PING").output());
            assertNotEquals("PONG", cli(0, HostsFiles.podName(1), "PING").output());
            assertEquals("PONG", cli(0, "127.0.0.1", "PING").output(), "the cut pod still answers itself");
        } finally {
            NETWORK.reconnect(0);
        }
        await("the link back").atMost(Duration.ofSeconds(10)).until(() -> cli(1, HostsFiles.podName(0), "PING").output().equals("PONG"));
    }

    @Test
    void aPartitionSeparatesPodsButNotTheRootNamespace() {
        NETWORK.partition(List.of(0), List.of(1));
        try {
            assertNotEquals("PONG", cli(1, HostsFiles.podName(0), "PING").output());
            assertNotEquals("PONG", cli(0, HostsFiles.podName(1), "PING").output());
            assertEquals("PONG", Cmd.run(Map.of("REDISCLI_AUTH", "harness"),
                    List.of("timeout", "2", "redis-cli", "-h", Network.address(0), "PING")).output());
        } finally {
            NETWORK.healPartitions();
        }
        assertEquals("PONG", cli(1, HostsFiles.podName(0), "PING").output());
    }

    @Test
    void aHiddenNameStopsResolvingInThePodsAndTheJvmFile() throws Exception {
        dns.hide(0);
        try {
            assertNotEquals(0, Cmd.run("ip", "netns", "exec", Network.namespace(1), "getent", "hosts", HostsFiles.podName(0)).exit(),
                    "a hidden name must not resolve inside the pods");
            assertTrue(!Files.readString(DIR.resolve("jvm-hosts")).contains(HostsFiles.podName(0)));
        } finally {
            dns.showAll();
        }
        assertEquals(Network.address(0) + "     " + HostsFiles.podName(0),
                Cmd.ok("ip", "netns", "exec", Network.namespace(1), "getent", "hosts", HostsFiles.podName(0)));
    }
}
