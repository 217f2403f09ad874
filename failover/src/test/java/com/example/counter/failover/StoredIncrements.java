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

    private static Jedis connect(Pod pod, String password) {
        return new Jedis(new HostAndPort(pod.address, Pod.REDIS_PORT),
                DefaultJedisClientConfig.builder().password(password).socketTimeoutMillis(10_000)
                        .serverDefaultProtocol().build());
    }

    /** The acknowledged keys that the pod has no record of, or a record with another count. */
    static List<String> lost(Pod pod, String password, Map<String, Long> acknowledged) {
        List<String> lost = new ArrayList<>();
        try (Jedis jedis = connect(pod, password)) {
            List<String> keys = new ArrayList<>(acknowledged.keySet());
            for (int from = 0; from < keys.size(); from += 1000) {
                List<String> batch = keys.subList(from, Math.min(keys.size(), from + 1000));
                List<String> values = jedis.mget(batch.stream().map(k -> RECORD + k).toArray(String[]::new));
                for (int i = 0; i < batch.size(); i++) {
                    if (values.get(i) == null || Long.parseLong(values.get(i)) != acknowledged.get(batch.get(i))) {
                        lost.add(batch.get(i));
                    }
                }
            }
        }
        return lost;
    }

    /**
     * Every way the pod's data contradicts the acknowledged increments: a key answered 200 that it
     * has no record of (or a different count for), a count below the highest 200, and a count
     * handed out to two keys (two masters took writes).
     */
    static List<String> contradictions(Pod pod, String password, Map<String, Long> acknowledged) {
        List<String> problems = new ArrayList<>();
        Map<Long, String> keyOfCount = new HashMap<>();
        int twice = 0;
        for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
            String other = keyOfCount.put(ack.getValue(), ack.getKey());
            if (other != null && ++twice <= 10) {
                problems.add("the count " + ack.getValue() + " was answered to two keys, " + other + " and " + ack.getKey());
            }
        }
        if (twice > 10) {
            problems.add("... " + twice + " counts answered to two keys in all");
        }
        long highest = acknowledged.values().stream().mapToLong(Long::longValue).max().orElse(0);
        try (Jedis jedis = connect(pod, password)) {
            String stored = jedis.get(COUNT);
            long count = stored == null ? 0 : Long.parseLong(stored);
            if (count < highest) {
                problems.add("the count on " + pod + " is " + count + ", below the highest count answered 200, " + highest);
            }
        }
        List<String> lost = lost(pod, password, acknowledged);
        lost.stream().limit(10).forEach(key -> problems.add("the key " + key + ", answered 200 with "
                + acknowledged.get(key) + ", is missing or recorded with another count on " + pod));
        if (lost.size() > 10) {
            problems.add("... " + lost.size() + " of the " + acknowledged.size() + " acknowledged keys missing or wrong in all");
        }
        return problems;
    }
}
