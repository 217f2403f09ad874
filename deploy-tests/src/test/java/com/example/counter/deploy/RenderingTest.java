package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every overlay and component combination renders into valid objects, deployable to any namespace. */
class RenderingTest {

    /** Fields that kustomize deprecated; their replacements are labels, patches, replacements and resources. */
    private static final Set<String> DEPRECATED_FIELDS = Set.of(
            "commonLabels", "patchesStrategicMerge", "patchesJson6902", "vars", "bases", "imageTags");

    static Stream<Combination> combinations() {
        return Combination.all();
    }

    static Stream<Path> kustomizations() {
        return Repository.filesEndingWith(Repository.KUSTOMIZE, "kustomization.yaml").map(Path::getParent);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    void rendersIntoTheKubernetesModel(Combination combination) {
        // manifests() fails on any kustomize error, unknown kind, unknown field or wrong type.
        assertFalse(combination.manifests().all().isEmpty(), combination + " renders nothing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    void bakesInNoNamespace(Combination combination) {
        assertAll(combination.manifests().all().stream().map(object -> () -> assertNull(
                object.getMetadata().getNamespace(), Manifests.describe(object)
                        + " is pinned to a namespace: `kubectl apply -k -n <namespace>` must choose it")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    void namesEachObjectOnce(Combination combination) {
        List<String> ids = combination.manifests().all().stream().map(Manifests::describe).toList();
        assertEquals(ids.stream().distinct().toList(), ids, "duplicate objects");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void usesModernKustomizeOnly(Path dir) {
        JsonNode kustomization = Combination.kustomization(dir);
        String where = Repository.relative(dir.resolve("kustomization.yaml"));
        boolean component = dir.startsWith(Combination.COMPONENTS);
        assertAll(
                () -> assertEquals(component ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1",
                        kustomization.path("apiVersion").asText(), where + " apiVersion"),
                () -> assertEquals(component ? "Component" : "Kustomization",
                        kustomization.path("kind").asText(), where + " kind"),
                () -> assertTrue(DEPRECATED_FIELDS.stream().noneMatch(kustomization::has),
                        where + " uses a deprecated field, one of " + DEPRECATED_FIELDS),
                () -> assertFalse(kustomization.has("namespace"),
                        where + " sets a namespace: the operator chooses it with `kubectl apply -n`"));
    }
}
