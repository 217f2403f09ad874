package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The system heals itself and survives rollouts, node drains and node failures. */
class ResilienceTest {

    /** The longest Open Liberty waits for work in flight to finish once told to stop. */
    private static final long LIBERTY_QUIESCE_SECONDS = 30;

    static Stream<Render> renders() {
        return Render.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyWorkloadHasADisruptionBudget(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.workloads().stream().map(workload -> () -> assertTrue(
                manifests.all(PodDisruptionBudget.class).stream().anyMatch(budget -> Labels.matches(
                        Labels.of(budget.getSpec().getSelector(), describe(budget)), workload.podLabels())),
                workload + " has no PodDisruptionBudget: a node drain could stop all its pods at once")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyDeploymentIsAutoscaled(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(Deployment.class).stream().map(deployment -> () -> assertTrue(
                manifests.all(HorizontalPodAutoscaler.class).stream().anyMatch(autoscaler ->
                        autoscaler.getSpec().getScaleTargetRef().getKind().equals("Deployment")
                                && autoscaler.getSpec().getScaleTargetRef().getName()
                                .equals(deployment.getMetadata().getName())),
                describe(deployment) + " has no HorizontalPodAutoscaler")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void replicasSpreadOverNodes(Render render) {
        assertAll(render.manifests().workloads().stream().map(workload -> () -> assertTrue(
                workload.pod().getTopologySpreadConstraints().stream()
                        .anyMatch(spread -> spread.getTopologyKey().equals("kubernetes.io/hostname")),
                workload + " must spread its pods over nodes (a topology spread on kubernetes.io/hostname)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void deploymentsRollOutWithoutLosingCapacity(Render render) {
        assertAll(render.manifests().all(Deployment.class).stream().map(deployment -> () -> {
            var strategy = deployment.getSpec().getStrategy();
            assertEquals("RollingUpdate", strategy.getType(), describe(deployment) + " strategy");
            assertEquals(new IntOrString(0), strategy.getRollingUpdate().getMaxUnavailable(),
                    describe(deployment) + " must keep every pod until its replacement is ready (maxUnavailable: 0)");
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void servicesStopWithoutDroppingRequests(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Deployment deployment : render.manifests().all(Deployment.class)) {
            var pod = deployment.getSpec().getTemplate().getSpec();
            for (Container container : pod.getContainers()) {
                String where = describe(deployment) + " container " + container.getName();
                checks.add(() -> {
                    LifecycleHandler preStop =
                            container.getLifecycle() == null ? null : container.getLifecycle().getPreStop();
                    assertNotNull(preStop, where + " needs a preStop pause, so Services and the Ingress stop"
                            + " sending requests before the server stops");
                    assertNotNull(preStop.getSleep(), where + " preStop must be a sleep");
                    long needed = preStop.getSleep().getSeconds() + LIBERTY_QUIESCE_SECONDS;
                    assertTrue(pod.getTerminationGracePeriodSeconds() > needed,
                            where + " terminationGracePeriodSeconds " + pod.getTerminationGracePeriodSeconds()
                                    + " must exceed the preStop pause plus Liberty's quiesce, " + needed + " s");
                });
            }
        }
        assertAll(checks);
    }

    /**
     * A master that needs more in-sync replicas than remain while one is down stops taking
     * increments at every rollout and node drain (the disruption budget lets one pod go).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void redisTakesWritesWhileOneReplicaIsDown(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (StatefulSet statefulSet : manifests.all(StatefulSet.class)) {
            int replicas = Optional.ofNullable(statefulSet.getSpec().getReplicas()).orElse(1) - 1; // one is the master
            for (Container container : statefulSet.getSpec().getTemplate().getSpec().getContainers()) {
                PodConfiguration.environment(container, manifests, render.operatorProvided()).stream()
                        .filter(variable -> variable.name().equals("REDIS_MIN_REPLICAS_TO_WRITE"))
                        .forEach(variable -> checks.add(() -> {
                            int needed = Integer.parseInt(variable.value().orElseThrow());
                            assertTrue(needed == 0 || needed <= replicas - 1, describe(statefulSet) + " has "
                                    + replicas + " replicas, and its master needs " + needed + " in sync to write:"
                                    + " one more replica is needed for writes to go on while one is down");
                        }));
            }
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void statefulSetsKeepTheirDataOnTheirOwnVolumes(Render render) {
        assertAll(render.manifests().all(StatefulSet.class).stream().map(statefulSet -> () -> {
            var claims = statefulSet.getSpec().getVolumeClaimTemplates();
            assertFalse(claims.isEmpty(), describe(statefulSet) + " has no volumeClaimTemplates: its data would"
                    + " not survive a restart");
            claims.forEach(claim -> assertTrue(statefulSet.getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(container -> container.getVolumeMounts().stream())
                    .anyMatch(mount -> mount.getName().equals(claim.getMetadata().getName())),
                    describe(statefulSet) + " mounts no volume from its claim " + claim.getMetadata().getName()));
        }));
    }
}
