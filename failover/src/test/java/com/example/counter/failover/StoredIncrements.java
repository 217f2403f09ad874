package com.example.counter.failover;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * What a Redis holds of the increments: the count ({@code count}) and the record that web-inc's
 * idempotent increment keeps of each key ({@code count:idempotency:<key>}, holding the count that
 * the key's increment returned; RedisCountDB and idempotent-increment.lua).
 */
final class StoredIncrements {

    private static final String COUNT = "count";
    private static final String RECORD = COUNT + ":idempotency:";

    private StoredIncrements() {
    }

    /**
     * Every way the pod's data contradicts the acknowledged increments: a key answered 200 that it
     * has no record of (or a different count for), a count below the highest 200, and a count
     * handed out to two keys (two masters took writes).
     */
    static List<String> contradictions(Pod pod, String password, Map<String, Long> acknowledged) {
        List<String> problems = new ArrayList<>();
        Map<Long, String> keyOfCount = new HashMap<>();
        acknowledged.forEach((key, count) -> {
            String other = keyOfCount.put(count, key);
            if (other != null) {
                problems.add("the count " + count + " was answered to two keys, " + other + " and " + key);
            }
        });
        try (Jedis jedis = new Jedis(new HostAndPort(pod.address, Pod.REDIS_PORT),
                DefaultJedisClientConfig.builder().password(password).socketTimeoutMillis(10_000)
                        .serverDefaultProtocol().build())) {
            String stored = jedis.get(COUNT);
            long count = stored == null ? 0 : Long.parseLong(stored);
            long highest = acknowledged.values().stream().mapToLong(Long::longValue).max().orElse(0);
            if (count < highest) {
                problems.add("the count on " + pod + " is " + count + ", below the highest count answered 200, " + highest);
            }
            List<String> keys = new ArrayList<>(acknowledged.keySet());
            int missing = 0;
            for (int from = 0; from < keys.size(); from += 1000) {
                List<String> batch = keys.subList(from, Math.min(keys.size(), from + 1000));
                List<String> values = jedis.mget(batch.stream().map(k -> RECORD + k).toArray(String[]::new));
                for (int i = 0; i < batch.size(); i++) {
                    String key = batch.get(i);
                    String value = values.get(i);
                    if (value == null || Long.parseLong(value) != acknowledged.get(key)) {
                        if (++missing <= 10) {
                            problems.add("the key " + key + ", answered 200 with " + acknowledged.get(key) + ", is "
                                    + (value == null ? "missing" : "recorded with " + value) + " on " + pod);
                        }
                    }
                }
            }
            if (missing > 10) {
                problems.add("... " + missing + " acknowledged keys wrong or missing in all, of " + keys.size());
            }
        }
        return problems;
    }
}
