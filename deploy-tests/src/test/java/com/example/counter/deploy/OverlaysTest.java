package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * dev is small and self-contained; prod and OpenShift are redundant, prod bigger, with its password
 * out of Git; and a renamed second instance beside the first shares nothing with it.
 */
class OverlaysTest {

    private final Manifests dev = Render.Combination.overlay("dev").manifests();
    private final Manifests prod = Render.Combination.overlay("prod").manifests();

    @Test
    void devRunsOnePodPerServiceAndOneRedisReplica() {
        assertAll(
                () -> assertAll(dev.all(HorizontalPodAutoscaler.class).stream().map(autoscaler -> () -> assertEquals(1,
                        autoscaler.getSpec().getMinReplicas(), "dev " + describe(autoscaler) + " minReplicas"))),
                () -> assertEquals(2, redis(dev).getSpec().getReplicas(), "dev Redis: a master and one replica"));
    }

    @Test
    void devBringsAnObviouslyNotSecretPassword() {
        Secret secret = dev.all(Secret.class).stream().findFirst().orElseThrow(() -> new AssertionError(
                "dev must generate its Redis password Secret, so it deploys with nothing to prepare"));
        String password = new String(
                Base64.getDecoder().decode(secret.getData().get("password")), StandardCharsets.UTF_8);
        assertTrue(password.contains("dev") && password.contains("not-a-secret"),
                "dev's password must say it is for dev only, not '" + password + "'");
    }

    /** One node, one rollout or one bad pod never takes a service down, on Kubernetes or OpenShift. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("productionShaped")
    void runsAtLeastTwoPodsPerServiceAndCanScale(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(HorizontalPodAutoscaler.class).stream().map(autoscaler -> () -> assertTrue(
                autoscaler.getSpec().getMinReplicas() >= 2
                        && autoscaler.getSpec().getMaxReplicas() > autoscaler.getSpec().getMinReplicas(),
                render + " " + describe(autoscaler) + " must keep 2 or more pods and room to scale")));
        assertTrue(redis(manifests).getSpec().getReplicas() >= 3, "a master and at least two replicas");
    }

    static Stream<Render> productionShaped() {
        return Stream.of(Render.Combination.overlay("prod"), Render.Combination.openShift(),
                ProcessedTemplate.withSampleValues());
    }

    /** Where the base only prefers it, prod requires it: a node failure takes at most one copy of the data. */
    @Test
    void prodNeverPutsTwoRedisPodsOnOneNode() {
        StatefulSet redis = redis(prod);
        var terms = Optional.ofNullable(redis.getSpec().getTemplate().getSpec().getAffinity())
                .map(affinity -> affinity.getPodAntiAffinity())
                .map(anti -> anti.getRequiredDuringSchedulingIgnoredDuringExecution()).orElse(List.of());
        assertTrue(terms.stream().anyMatch(term -> term.getTopologyKey().equals("kubernetes.io/hostname")
                        && Manifests.matches(Manifests.selector(term.getLabelSelector(), "prod Redis anti-affinity"),
                                redis.getSpec().getTemplate().getMetadata().getLabels())),
                "prod Redis must require its pods on different nodes: " + terms);
    }

    /**
     * An overlay that renames the system (a prefix, its own instance label) deploys a second counter
     * beside the first in one namespace: no object name is shared, no selector picks the other's
     * pods, and every name the pods use, Redis host names included, is one of its own objects.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void aRenamedSecondInstanceSharesNothingWithTheFirst(String overlay) {
        Render.Combination first = Render.Combination.overlay(overlay);
        Render.Combination second = new Render.Combination(first.overlay(), List.of(), Map.of("namePrefix", "blue-",
                "labels", List.of(Map.of("pairs", Map.of(Manifests.INSTANCE, "blue"), "includeSelectors", true))));
        Manifests one = first.manifests();
        Manifests two = second.manifests();
        Set<String> names = one.all().stream().map(Manifests::describe).collect(Collectors.toSet());
        List<Executable> checks = new ArrayList<>();
        two.all().forEach(object -> checks.add(() -> assertFalse(names.contains(describe(object)),
                describe(object) + " is in both instances: one would overwrite the other")));
        for (Manifests.Workload workload : two.workloads()) {
            checks.add(() -> assertTrue(one.selectedBy(Manifests.selector(workload.selector(), workload.toString()))
                    .isEmpty(), workload + " of the second instance selects pods of the first"));
            Manifests.references(workload).forEach(reference -> checks.add(() -> assertTrue(
                    !names.contains(reference.kind() + " " + reference.name()),
                    reference.where() + " uses " + reference.kind() + " " + reference.name() + " of the first instance")));
            for (var container : workload.pod().getContainers()) {
                // localhost is the pod itself: the Redis exporter beside its Redis (components/monitoring).
                two.environment(container, second.operatorProvided()).stream()
                        .filter(variable -> variable.value().filter(value -> value.matches("rediss?://.*")
                                && !URI.create(value).getHost().equals("localhost")).isPresent())
                        .forEach(variable -> checks.add(() -> {
                            URI uri = URI.create(variable.value().orElseThrow());
                            WiringTest.assertRedisHost(two, workload + " " + variable.name(), uri);
                            assertTrue(uri.getHost().startsWith("blue-"), workload + " " + variable.name() + " = " + uri
                                    + " is not the second instance's Redis");
                        }));
            }
        }
        for (var service : two.all(io.fabric8.kubernetes.api.model.Service.class)) {
            checks.add(() -> assertTrue(one.selectedBy(service.getSpec().getSelector()).isEmpty(),
                    describe(service) + " of the second instance sends to pods of the first"));
        }
        for (var monitor : two.all(PodMonitor.class)) {
            checks.add(() -> assertTrue(one.selectedBy(Manifests.selector(monitor.getSpec().getSelector(),
                    describe(monitor))).isEmpty(), describe(monitor) + " of the second instance scrapes pods of the first"));
        }
        for (var policy : two.all(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class)) {
            checks.add(() -> assertTrue(one.selectedBy(Manifests.selector(policy.getSpec().getPodSelector(),
                    describe(policy))).isEmpty(), describe(policy) + " of the second instance applies to pods of the first"));
        }
        List<ConfigMap> redisNames = two.all(ConfigMap.class).stream()
                .filter(configMap -> configMap.getMetadata().getName().startsWith("blue-redis-names-")).toList();
        checks.add(() -> assertEquals(List.of(Map.of("REDIS_STATEFULSET", "blue-redis", "REDIS_HEADLESS_SERVICE",
                "blue-redis-headless", "REDIS_SERVICE", "blue-redis")), redisNames.stream().map(ConfigMap::getData)
                .toList(), "the names the pods make their Redis host names of (redis-start.sh too)"));
        assertFalse(checks.isEmpty());
        assertAll(checks);
    }

    @Test
    void prodTakesThePasswordFromASecretTheOperatorCreates() {
        assertTrue(prod.all(Secret.class).isEmpty(), "prod must not carry a Secret: the operator creates it");
        assertTrue(Render.Combination.overlay("prod").operatorProvided().secretKeys("redis-auth").contains("password"),
                "prod's operator-provided.yaml must declare the redis-auth Secret");
    }

    /**
     * The containers both run; prod's sidecars (the Redis exporter of components/monitoring) are small anywhere.
     * Memory only where it was shown to help: the services' stays dev's (the benchmark measured no gain from more).
     */
    @Test
    void prodPodsGetMoreCpuAndNoLessMemoryThanDevPods() {
        assertAll(prod.workloads().stream().flatMap(workload -> workload.pod().getContainers().stream()
                .filter(container -> dev.workloads().stream().filter(w -> w.name().equals(workload.name()))
                        .flatMap(w -> w.pod().getContainers().stream())
                        .anyMatch(c -> c.getName().equals(container.getName())))
                .map(container -> () -> {
                    var devContainer = dev.workloads().stream().filter(w -> w.name().equals(workload.name()))
                            .flatMap(w -> w.pod().getContainers().stream())
                            .filter(c -> c.getName().equals(container.getName())).findFirst().orElseThrow();
                    var limits = container.getResources().getLimits();
                    var devLimits = devContainer.getResources().getLimits();
                    assertTrue(amount(limits.get("cpu")).compareTo(amount(devLimits.get("cpu"))) > 0,
                            "prod " + workload + " must have a bigger cpu limit than dev");
                    assertTrue(amount(limits.get("memory")).compareTo(amount(devLimits.get("memory"))) >= 0,
                            "prod " + workload + " must not have a smaller memory limit than dev");
                })));
    }

    /** A tag can be pushed again; a digest names one image for good, and a new one rolls the pods. */
    @Test
    void prodDeploysTheServicesFromARegistryByDigest() {
        assertAll(prod.all(Deployment.class).stream().map(deployment -> () -> {
            String image = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            assertFalse(image.startsWith("localhost/"), "prod " + describe(deployment) + " runs a local image: " + image);
            assertTrue(image.matches(".+@sha256:[0-9a-f]{64}"), "prod " + describe(deployment)
                    + " must run its image by digest, not " + image);
        }));
    }

    @Test
    void devTakesWritesWithoutReplicasButProdOnlyWhileOneIsInSync() {
        assertAll(
                () -> assertEquals("0", redisSetting(dev, "REDIS_MIN_REPLICAS_TO_WRITE"),
                        "dev: the master writes alone, as a laptop cluster may lose its one replica"),
                () -> assertEquals("1", redisSetting(prod, "REDIS_MIN_REPLICAS_TO_WRITE"),
                        "prod: no increment is taken that only the master has"),
                () -> assertAll(Stream.of(dev, prod).map(manifests -> () -> assertEquals("always",
                        redisSetting(manifests, "REDIS_APPENDFSYNC"), "no acknowledged increment lost in a crash"))));
    }

    /** A variable of the Redis container, as its ConfigMap gives it. */
    private static String redisSetting(Manifests manifests, String name) {
        Container container = redis(manifests).getSpec().getTemplate().getSpec().getContainers().get(0);
        return manifests.environment(container, Render.OperatorProvided.nothing()).stream()
                .filter(variable -> variable.name().equals(name)).findFirst()
                .flatMap(Manifests.Variable::value)
                .orElseThrow(() -> new AssertionError("the Redis container gets no " + name));
    }

    private static StatefulSet redis(Manifests manifests) {
        return manifests.find(StatefulSet.class, "redis").orElseThrow(() -> new AssertionError("no StatefulSet redis"));
    }

    private static BigDecimal amount(Quantity quantity) {
        return quantity.getNumericalAmount();
    }
}
