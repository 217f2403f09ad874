package com.example.counter.failover;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The Redis StatefulSet of one test case: three pods on a fresh network with fresh volumes, and what
 * the sentinels say of them. Closing it kills every process and removes the network.
 */
final class Pods implements AutoCloseable {

    static final int COUNT = 3;

    final Network network = new Network(COUNT);
    final HostsFiles dns;
    private final List<Pod> pods = new ArrayList<>();

    /** A new system in {@code dir}: whatever a run before left there (volumes, logs) is removed first. */
    Pods(Path dir, Path jvmHostsFile, PodSpec spec) {
        network.create();
        Dirs.delete(dir);
        dns = new HostsFiles(COUNT, jvmHostsFile);
        dns.write();
        for (int i = 0; i < COUNT; i++) {
            pods.add(new Pod(i, dir.resolve("redis-" + i), spec));
        }
    }

    Pod get(int ordinal) {
        return pods.get(ordinal);
    }

    List<Pod> all() {
        return pods;
    }

    /** Every pod's containers at once, as the Parallel pod management of the component starts them. */
    void startAll() {
        pods.forEach(Pod::start);
    }

    void killAll() {
        pods.parallelStream().forEach(Pod::kill);
    }

    /** The master as the sentinels that answer say it is (the majority of those that answer). */
    Optional<Pod> master() {
        return masterAccordingTo(pods.stream().map(p -> p.ordinal).toList());
    }

    /** The master as the sentinels of these pods say it is, if they agree. */
    Optional<Pod> masterAccordingTo(List<Integer> sentinels) {
        List<String> answers = new ArrayList<>();
        for (int i : sentinels) {
            Cmd reply = pods.get(i).sentinelCli("SENTINEL", "get-master-addr-by-name", PodSpec.MASTER_NAME);
            if (reply.exit() == 0 && reply.output().lines().count() == 2) {
                answers.add(reply.output().lines().findFirst().orElseThrow());
            }
        }
        if (answers.isEmpty() || answers.stream().distinct().count() > 1) {
            return Optional.empty();
        }
        return pods.stream().filter(p -> p.host.equals(answers.get(0)) || p.address.equals(answers.get(0))).findFirst();
    }

    /**
     * Waits until the sentinels agree on a master that is a master, with both other pods its
     * replicas in sync and every sentinel knowing the other two: a system ready for a fault.
     */
    Pod awaitHealthy(Duration within) {
        awaitState("a master that all three sentinels agree on, with two replicas in sync and three sentinels",
                within, this::healthy);
        return master().orElseThrow();
    }

    /** Waits for the condition; if it never holds, fails with what each pod and sentinel says. */
    private void awaitState(String what, Duration within, Callable<Boolean> condition) {
        try {
            await(what).atMost(within).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no " + what + " within " + within.toSeconds() + " s; now:\n" + describe(), e);
        }
    }

    /** Each pod's role and each sentinel's view, for a failure message. */
    String describe() {
        StringBuilder state = new StringBuilder();
        for (Pod pod : pods) {
            Map<String, String> view = pod.sentinelMaster();
            state.append(String.format("  %s: redis role=%s master_host=%s link=%s; its sentinel: master=%s flags=%s"
                    + " replicas=%s other-sentinels=%s failover-state=%s%n", pod, pod.replication("role"),
                    pod.replication("master_host"), pod.replication("master_link_status"), view.get("ip"),
                    view.get("flags"), view.get("num-slaves"), view.get("num-other-sentinels"), view.get("failover-state")));
        }
        return state.toString();
    }

    private boolean healthy() {
        Optional<Pod> master = master();
        if (master.isEmpty() || !master.get().replication("role").equals("master")) {
            return false;
        }
        for (Pod pod : pods) {
            if (pod != master.get() && !(pod.replication("role").equals("slave")
                    && pod.replication("master_link_status").equals("up")
                    && pod.replication("master_host").equals(master.get().host))) {
                return false;
            }
            // Each sentinel must know both replicas (it learns them from the master's INFO, every
            // 10 s) and the other two sentinels: until then a failover cannot happen, and a fault
            // injected then would test nothing but that.
            Map<String, String> seen = pod.sentinelMaster();
            if (!seen.getOrDefault("num-slaves", "").equals(Integer.toString(COUNT - 1))
                    || !seen.getOrDefault("num-other-sentinels", "").equals(Integer.toString(COUNT - 1))) {
                return false;
            }
        }
        return true;
    }

    /** Waits for the sentinels to name a master other than {@code old}, and returns it. */
    Pod awaitFailoverFrom(Pod old, Duration within) {
        awaitState("new master in place of " + old + " promoted by the sentinels", within,
                () -> master().filter(m -> m != old && m.replication("role").equals("master")).isPresent());
        return master().orElseThrow();
    }

    /**
     * After a failover from {@code old}: the moment (System.nanoTime, seen within 50 ms) that the
     * replica which was not promoted follows the promoted one; empty if that is not seen in time
     * (no failover).
     */
    Optional<Long> awaitOtherReplicaSwitched(Pod old, Duration within) {
        try {
            await("the other replica to follow the promoted one").atMost(within).pollInterval(Duration.ofMillis(50))
                    .until(() -> pods.stream().anyMatch(promoted -> promoted != old
                            && promoted.replication("role").equals("master")
                            && pods.stream().filter(p -> p != old && p != promoted)
                                    .allMatch(p -> p.replication("master_host").equals(promoted.host))));
            return Optional.of(System.nanoTime());
        } catch (ConditionTimeoutException e) {
            return Optional.empty();
        }
    }

    /** Waits until {@code pod} replicates {@code master}, its link up. */
    void awaitReplicaOf(Pod pod, Pod master, Duration within) {
        awaitState("return of " + pod + " as a replica of " + master, within,
                () -> pod.replication("role").equals("slave")
                        && pod.replication("master_host").equals(master.host)
                        && pod.replication("master_link_status").equals("up"));
    }

    @Override
    public void close() {
        killAll();
        network.destroy();
    }
}
