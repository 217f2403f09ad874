package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** dev is small and self-contained; prod is redundant, bigger, and keeps its password out of Git. */
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

    @Test
    void prodRunsAtLeastTwoPodsPerServiceAndCanScale() {
        assertAll(prod.all(HorizontalPodAutoscaler.class).stream().map(autoscaler -> () -> assertTrue(
                autoscaler.getSpec().getMinReplicas() >= 2
                        && autoscaler.getSpec().getMaxReplicas() > autoscaler.getSpec().getMinReplicas(),
                "prod " + describe(autoscaler) + " must keep 2 or more pods and room to scale")));
        assertTrue(redis(prod).getSpec().getReplicas() >= 3, "prod Redis: a master and at least two replicas");
    }

    @Test
    void prodTakesThePasswordFromASecretTheOperatorCreates() {
        assertTrue(prod.all(Secret.class).isEmpty(), "prod must not carry a Secret: the operator creates it");
        assertTrue(Render.Combination.overlay("prod").operatorProvided().secretKeys("redis-auth").contains("password"),
                "prod's operator-provided.yaml must declare the redis-auth Secret");
    }

    @Test
    void prodPodsAreBiggerThanDevPods() {
        assertAll(prod.workloads().stream().flatMap(workload -> workload.pod().getContainers().stream()
                .map(container -> () -> {
                    var devContainer = dev.workloads().stream().filter(w -> w.name().equals(workload.name()))
                            .flatMap(w -> w.pod().getContainers().stream())
                            .filter(c -> c.getName().equals(container.getName())).findFirst().orElseThrow();
                    for (String resource : new String[] {"cpu", "memory"}) {
                        assertTrue(amount(container.getResources().getLimits().get(resource))
                                        .compareTo(amount(devContainer.getResources().getLimits().get(resource))) > 0,
                                "prod " + workload + " must have a bigger " + resource + " limit than dev");
                    }
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
