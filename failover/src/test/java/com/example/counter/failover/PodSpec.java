package com.example.counter.failover;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the StatefulSet's pod template gives both containers of a Redis pod in Sentinel mode: the
 * scripts, and the environment (the redis-config ConfigMap with the sentinel component's keys, the
 * pod's name, the Secret's password), with timings short enough for a test.
 */
record PodSpec(Path redisStart, Path sentinelStart, String password, int downAfterMillis) {

    static final String MASTER_NAME = "counter";

    Map<String, String> env(String podName, Path volume, Path run) {
        Map<String, String> env = new HashMap<>();
        env.put("POD_NAME", podName);
        env.put("REDIS_HEADLESS_SERVICE", HostsFiles.HEADLESS);
        env.put("REDISCLI_AUTH", password);
        env.put("REDIS_DATA_DIR", volume.toString());
        env.put("REDIS_CONF_FILE", run.resolve("redis.conf").toString());
        env.put("SENTINEL_CONF_FILE", volume.resolve("sentinel/sentinel.conf").toString());
        env.put("REDIS_SENTINEL_MASTER_NAME", MASTER_NAME);
        env.put("REDIS_SENTINEL_DOWN_AFTER_MS", Integer.toString(downAfterMillis));
        // Fencing: shorter than down-after, so an isolated master refuses writes before a failover.
        env.put("REDIS_MIN_REPLICAS_TO_WRITE", "1");
        env.put("REDIS_MIN_REPLICAS_MAX_LAG", "1");
        env.put("REDIS_APPENDFSYNC", "always");
        // The scripts run redis-server from the PATH: the one the build chose first.
        String server = System.getenv("REDIS_SERVER");
        if (server != null && !server.isBlank()) {
            env.put("PATH", Path.of(server).getParent() + ":" + System.getenv("PATH"));
        }
        return env;
    }
}
