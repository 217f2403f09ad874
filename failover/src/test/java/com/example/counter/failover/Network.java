package com.example.counter.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The pods' network: a Linux network namespace per pod ({@code ctr-redis-N}), each with a veth into
 * the bridge {@code ctr-br0} of the root namespace, where the test and the Liberty server run
 * (10.213.0.1/24 on the bridge, pod N at 10.213.0.1N). Loopback alone would make every Redis look
 * like 127.0.0.1 to Sentinel; here each has its own address, and a fault is a real one: a link
 * down, or packets dropped between two pods.
 */
final class Network {

    static final String BRIDGE = "ctr-br0";
    static final String BRIDGE_ADDRESS = "10.213.0.1";
    private static final String PREFIX = "ctr-";
    private static final Path NETNS_ETC = Path.of("/etc/netns");

    private final int pods;

    Network(int pods) {
        this.pods = pods;
    }

    static String namespace(int ordinal) {
        return "ctr-redis-" + ordinal;
    }

    static String address(int ordinal) {
        return "10.213.0.1" + ordinal;
    }

    /** The root-side end of pod N's veth: taking it down cuts the pod off from everything. */
    private static String hostLink(int ordinal) {
        return "ctr-v" + ordinal;
    }

    /**
     * Fails, saying why, unless this machine lets the test make namespaces: the fault tests must
     * never pass by testing nothing.
     */
    static void requireNamespaces() {
        String uid = Cmd.ok("id", "-u");
        if (!uid.equals("0")) {
            throw new IllegalStateException("The failover tests need root to create network namespaces (ip netns); this runs as uid " + uid);
        }
        String probe = PREFIX + "probe";
        Cmd.run("ip", "netns", "del", probe);
        Cmd made = Cmd.run("ip", "netns", "add", probe);
        Cmd.run("ip", "netns", "del", probe);
        if (made.exit() != 0) {
            throw new IllegalStateException("This machine cannot create network namespaces, which the failover tests need: ip netns add said: "
                    + made.output());
        }
    }

    /** Builds it afresh, after removing whatever a run before left (a crashed run leaves it all). */
    void create() {
        destroy();
        Cmd.ok("ip", "link", "add", BRIDGE, "type", "bridge");
        Cmd.ok("ip", "addr", "add", BRIDGE_ADDRESS + "/24", "dev", BRIDGE);
        Cmd.ok("ip", "link", "set", BRIDGE, "up");
        for (int i = 0; i < pods; i++) {
            String ns = namespace(i);
            Cmd.ok("ip", "netns", "add", ns);
            Cmd.ok("ip", "link", "add", hostLink(i), "type", "veth", "peer", "name", "eth0", "netns", ns);
            Cmd.ok("ip", "link", "set", hostLink(i), "master", BRIDGE);
            Cmd.ok("ip", "link", "set", hostLink(i), "up");
            inside(i, "ip", "addr", "add", address(i) + "/24", "dev", "eth0");
            inside(i, "ip", "link", "set", "eth0", "up");
            inside(i, "ip", "link", "set", "lo", "up");
        }
    }

    /**
     * Removes every {@code ctr-} namespace with every process in it (deleting a namespace does not
     * stop its processes), the bridge and the namespaces' hosts files.
     */
    void destroy() {
        for (String ns : Cmd.ok("ip", "netns", "list").lines().map(line -> line.split(" ")[0]).filter(n -> n.startsWith(PREFIX)).toList()) {
            String pids = Cmd.run("ip", "netns", "pids", ns).output();
            if (!pids.isBlank()) {
                Cmd.run(Stream.concat(Stream.of("kill", "-KILL"), pids.lines().map(String::strip)).toArray(String[]::new));
                waitGone(pids.lines().map(String::strip).mapToLong(Long::parseLong).toArray());
            }
            Cmd.ok("ip", "netns", "del", ns);
        }
        // The kernel tears a deleted namespace down in the background, its veths with it: delete
        // the root ends now, or the next create finds their names taken.
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (List<String> left = links(); !left.isEmpty(); left = links()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the links " + left + " are still there 10 s after their removal");
            }
            left.forEach(link -> Cmd.run("ip", "link", "del", link));
        }
        try (Stream<Path> dirs = Files.exists(NETNS_ETC) ? Files.list(NETNS_ETC) : Stream.empty()) {
            dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX)).toList().forEach(Dirs::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + NETNS_ETC, e);
        }
    }

    private static List<String> links() {
        return Cmd.ok("ip", "-o", "link", "show").lines()
                .map(line -> line.split(": ")[1].split("@")[0]).filter(n -> n.startsWith(PREFIX)).toList();
    }

    private static void waitGone(long[] pids) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Arrays.stream(pids).anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("processes " + Arrays.toString(pids) + " outlived SIGKILL for 10 s");
            }
            Thread.onSpinWait();
        }
    }

    /** Pod N loses its link: nothing reaches it, it reaches nothing (its node is cut off). */
    void cut(int ordinal) {
        Cmd.ok("ip", "link", "set", hostLink(ordinal), "down");
    }

    void reconnect(int ordinal) {
        Cmd.ok("ip", "link", "set", hostLink(ordinal), "up");
    }

    /** Packets between the two groups of pods are dropped both ways; the root namespace still reaches all. */
    void partition(List<Integer> side, List<Integer> other) {
        for (int a : side) {
            for (int b : other) {
                inside(a, "ip", "route", "add", "blackhole", address(b) + "/32");
                inside(b, "ip", "route", "add", "blackhole", address(a) + "/32");
            }
        }
    }

    void healPartitions() {
        for (int a = 0; a < pods; a++) {
            for (int b = 0; b < pods; b++) {
                if (a != b) {
                    Cmd.run("ip", "netns", "exec", namespace(a), "ip", "route", "del", "blackhole", address(b) + "/32");
                }
            }
        }
    }

    private static void inside(int ordinal, String... command) {
        String[] full = Stream.concat(Stream.of("ip", "netns", "exec", namespace(ordinal)), Arrays.stream(command)).toArray(String[]::new);
        Cmd.ok(full);
    }
}
