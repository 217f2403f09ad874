package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The recommended app.kubernetes.io labels are everywhere, and selectors use only the stable ones. */
class LabelsTest {

    static Stream<Render> renders() {
        return Render.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyObjectCarriesTheRecommendedLabels(Render render) {
        List<HasMetadata> objects = render.manifests().all();
        List<Executable> checks = new ArrayList<>();
        for (HasMetadata object : objects) {
            Map<String, String> labels = object.getMetadata().getLabels();
            checks.add(() -> assertTrue(
                    Labels.ON_EVERY_OBJECT.stream().allMatch(key -> !labels.getOrDefault(key, "").isBlank()),
                    describe(object) + " must carry " + Labels.ON_EVERY_OBJECT + ", has " + labels.keySet()));
        }
        for (String key : List.of(Labels.INSTANCE, Labels.PART_OF)) {
            checks.add(() -> assertEquals(1, objects.stream().map(o -> o.getMetadata().getLabels().get(key))
                    .collect(Collectors.toSet()).size(), "every object must have the same " + key));
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void workloadsAndPodsCarryTheVersionTheyRun(Render render) {
        assertAll(render.manifests().workloads().stream().map(workload -> () -> {
            String image = workload.image(workload.pod().getContainers().get(0));
            String version = Images.tag(image).orElse(image);
            assertEquals(version, workload.owner().getMetadata().getLabels().get(Labels.VERSION),
                    workload + " " + Labels.VERSION + " must be the tag of the image it runs, " + image);
            assertEquals(version, workload.podLabels().get(Labels.VERSION),
                    workload + " pods' " + Labels.VERSION + " must be the tag of the image they run, " + image);
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void selectorsUseStableLabelsOnly(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            checks.add(() -> assertEquals(Labels.STABLE,
                    Labels.of(workload.selector(), workload.toString()).keySet(),
                    workload + " selector: immutable once applied, so exactly the labels that never change"));
            workload.pod().getTopologySpreadConstraints().forEach(spread -> checks.add(() -> assertStable(
                    Labels.of(spread.getLabelSelector(), workload.toString()), workload + " spread")));
        }
        manifests.all(Service.class).forEach(service -> checks.add(
                () -> assertStable(service.getSpec().getSelector(), describe(service))));
        manifests.all(PodDisruptionBudget.class).forEach(budget -> checks.add(
                () -> assertStable(Labels.of(budget.getSpec().getSelector(), describe(budget)), describe(budget))));
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            checks.add(() -> assertStable(Labels.of(policy.getSpec().getPodSelector(), describe(policy)),
                    describe(policy)));
            policy.getSpec().getIngress().stream().flatMap(rule -> rule.getFrom().stream())
                    .forEach(peer -> checks.add(() -> assertStable(
                            Labels.of(peer.getPodSelector(), describe(policy)), describe(policy) + " from")));
        }
        assertAll(checks);
    }

    private static void assertStable(Map<String, String> selector, String where) {
        Set<String> unstable = selector.keySet().stream().filter(key -> !Labels.STABLE.contains(key))
                .collect(Collectors.toSet());
        assertTrue(unstable.isEmpty(), where + " selects by " + unstable + "; use only " + Labels.STABLE);
    }
}
