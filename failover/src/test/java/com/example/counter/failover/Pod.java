package com.example.counter.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Redis pod of the StatefulSet: its two containers, {@code redis} ({@code redis-start.sh}) and
 * {@code sentinel} ({@code sentinel-start.sh}), run as the pod spec runs them, in the pod's network
 * namespace, with the pod's environment and its volume (a directory that outlives the processes).
 */
final class Pod {

    static final int REDIS_PORT = 6379;
    static final int SENTINEL_PORT = 26379;

    final int ordinal;
    final String name;
    final String host;
    final String address;
    final Path volume;
    final Container redis;
    final Container sentinel;
    private final Map<String, String> env;

    Pod(int ordinal, Path dir, PodSpec spec) {
        this.ordinal = ordinal;
        this.name = "redis-" + ordinal;
        this.host = HostsFiles.podName(ordinal);
        this.address = Network.address(ordinal);
        this.volume = dir.resolve("data");
        Path run = dir.resolve("run");
        this.env = spec.env(name, volume, run);
        String ns = Network.namespace(ordinal);
        this.redis = new Container(name + "/redis", ns, List.of(spec.redisStart().toString()), env, dir.resolve("redis.log"));
        this.sentinel = new Container(name + "/sentinel", ns, List.of(spec.sentinelStart().toString()), env, dir.resolve("sentinel.log"));
        try {
            Files.createDirectories(volume);
            Files.createDirectories(run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Both containers, as the kubelet starts them: at once. */
    void start() {
        redis.start();
        sentinel.start();
    }

    /** Both containers SIGKILLed and kept down: the node died. */
    void kill() {
        redis.kill();
        sentinel.kill();
    }

    /** The volume as a new, empty PersistentVolume leaves it. */
    void wipeVolume() {
        Dirs.empty(volume);
    }

    /** redis-cli inside the pod against its own Redis, as a probe would run it; the reply or the error. */
    Cmd cli(String... args) {
        return cliOn(REDIS_PORT, args);
    }

    /** redis-cli inside the pod against its own sentinel. */
    Cmd sentinelCli(String... args) {
        return cliOn(SENTINEL_PORT, args);
    }

    private Cmd cliOn(int port, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", Network.namespace(ordinal),
                "timeout", "5", "redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return Cmd.run(Map.of("REDISCLI_AUTH", env.get("REDISCLI_AUTH")), command);
    }

    /** A field of INFO replication (role, master_host, master_link_status ...), or "" if it cannot say. */
    String replication(String field) {
        Cmd info = cli("INFO", "replication");
        if (info.exit() != 0) {
            return "";
        }
        return info.output().lines().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).strip()).findFirst().orElse("");
    }

    /** What its sentinel says of the master ({@code SENTINEL MASTER}: flags, num-slaves, ...); empty if it cannot say. */
    Map<String, String> sentinelMaster() {
        Cmd reply = sentinelCli("SENTINEL", "MASTER", PodSpec.MASTER_NAME);
        Map<String, String> fields = new HashMap<>();
        if (reply.exit() == 0) {
            List<String> lines = reply.output().lines().toList();
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                fields.put(lines.get(i), lines.get(i + 1));
            }
        }
        return fields;
    }

    @Override
    public String toString() {
        return name;
    }
}
