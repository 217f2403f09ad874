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

/** Every overlay and component render renders into valid objects, deployable to any namespace. */
class RenderingTest {

    /** Fields that kustomize deprecated; their replacements are labels, patches, replacements and resources. */
    private static final Set<String> DEPRECATED_FIELDS = Set.of(
            "commonLabels", "patchesStrategicMerge", "patchesJson6902", "vars", "bases", "imageTags");

    static Stream<Render> renders() {
        return Render.all();
    }

    static Stream<Path> kustomizations() {
        return Stream.of(Repository.KUSTOMIZE, Repository.OPENSHIFT)
                .flatMap(dir -> Repository.filesEndingWith(dir, "kustomization.yaml"))
                .map(Path::getParent);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void rendersIntoTheKubernetesAndOpenShiftModels(Render render) {
        // manifests() fails on any kustomize or Template error, unknown kind, unknown field or wrong type.
        assertFalse(render.manifests().all().isEmpty(), render + " renders nothing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void bakesInNoNamespace(Render render) {
        assertAll(render.manifests().all().stream().map(object -> () -> assertNull(
                object.getMetadata().getNamespace(), Manifests.describe(object)
                        + " is pinned to a namespace: `kubectl apply -k -n <namespace>` must choose it")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void namesEachObjectOnce(Render render) {
        List<String> ids = render.manifests().all().stream().map(Manifests::describe).toList();
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
