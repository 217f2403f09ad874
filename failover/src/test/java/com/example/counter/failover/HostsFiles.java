package com.example.counter.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster DNS of the test: the pods' names ({@code redis-N.redis-headless}) and the read
 * Service's ({@code redis}), in every pod's hosts file ({@code /etc/netns/<ns>/hosts}, which
 * {@code ip netns exec} mounts over {@code /etc/hosts}) and in the hosts file of the Liberty server's
 * JVM ({@code -Djdk.net.hosts.file}). The files are rewritten in place, never replaced: a running
 * process sees the file that was mounted when it started, so a new file would go unseen.
 */
final class HostsFiles {

    static final String HEADLESS = "redis-headless";
    static final String READ_SERVICE = "redis";

    private final List<Path> files = new ArrayList<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Set<String> hidden = new HashSet<>();

    HostsFiles(int pods, Path jvmHostsFile) {
        for (int i = 0; i < pods; i++) {
            files.add(Path.of("/etc/netns", Network.namespace(i), "hosts"));
            names.put(podName(i), Network.address(i));
        }
        files.add(jvmHostsFile);
        // The read Service spreads over every pod; one address is enough for web-inc, which reads
        // only for its readiness check. The last pod: the tests fail over the first one.
        names.put(READ_SERVICE, Network.address(pods - 1));
    }

    static String podName(int ordinal) {
        return "redis-" + ordinal + "." + HEADLESS;
    }

    /** Pod N's name stops resolving, as when Kubernetes removes a deleted pod's DNS record. */
    synchronized void hide(int ordinal) {
        hidden.add(podName(ordinal));
        write();
    }

    synchronized void show(int ordinal) {
        hidden.remove(podName(ordinal));
        write();
    }

    synchronized void showAll() {
        hidden.clear();
        write();
    }

    synchronized void write() {
        // The machine's own name too: with a hosts file, the JVM resolves nothing else, and Liberty
        // looks its host up.
        StringBuilder text = new StringBuilder("127.0.0.1 localhost " + Cmd.ok("uname", "-n") + "\n");
        names.forEach((name, address) -> {
            if (!hidden.contains(name)) {
                text.append(address).append(' ').append(name).append('\n');
            }
        });
        for (Path file : files) {
            try {
                Files.createDirectories(file.getParent());
                // Truncate and write, same inode: the mount over /etc/hosts keeps pointing at it.
                Files.writeString(file, text);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the hosts file " + file, e);
            }
        }
    }
}
