package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.openshift.api.model.BuildConfig;
import io.fabric8.openshift.api.model.Parameter;
import io.fabric8.openshift.api.model.Route;
import io.fabric8.openshift.api.model.Template;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * openshift/template.yaml, the counter in the console's Developer Catalog: generated from the
 * OpenShift kustomization, so both deploy the same system, and complete: every parameter used,
 * every reference declared, a password and a host made when the form leaves them empty. Its
 * processed objects also go through every render test (Render.all()).
 */
class TemplateTest {

    private static final Path GENERATOR = Repository.OPENSHIFT.resolve("template/generate.sh");

    @Test
    void isWhatItsGeneratorMakesOfTheKustomization(@TempDir Path work) {
        Path generated = work.resolve("template.yaml");
        Repository.Result result = Repository.run(Map.of(), Path.of("/bin/sh"), GENERATOR.toString(), generated.toString());
        assertTrue(result.succeeded(), result.describe());

        // Compared as YAML trees, so another kustomize version's formatting does not matter.
        List<String> differences = new ArrayList<>();
        differences("", ProcessedTemplate.tree(generated), ProcessedTemplate.tree(ProcessedTemplate.FILE), differences);
        assertEquals(List.of(), differences, Repository.relative(ProcessedTemplate.FILE) + " is not what "
                + Repository.relative(GENERATOR) + " makes of openshift/template: run it, and commit the result");
    }

    /** Where the trees differ, as JSON pointers with both values: at most the first few. */
    private static void differences(String path, JsonNode expected, JsonNode actual, List<String> differences) {
        if (differences.size() >= 5 || expected.equals(actual)) {
            return;
        }
        if (expected.isContainerNode() && expected.getNodeType() == actual.getNodeType()) {
            Set<String> keys = new TreeSet<>();
            expected.fieldNames().forEachRemaining(keys::add);
            actual.fieldNames().forEachRemaining(keys::add);
            for (int i = 0; i < Math.max(expected.size(), actual.size()) && expected.isArray(); i++) {
                keys.add(String.valueOf(i));
            }
            keys.forEach(key -> differences(path + "/" + key, expected.isArray() ? expected.path(Integer.parseInt(key))
                    : expected.path(key), actual.isArray() ? actual.path(Integer.parseInt(key)) : actual.path(key),
                    differences));
        } else {
            differences.add(path + ": generated " + abbreviate(expected) + ", committed " + abbreviate(actual));
        }
    }

    private static String abbreviate(JsonNode node) {
        String text = node.isMissingNode() ? "nothing" : node.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    /**
     * The strongest form of "the same system": with the values that `oc apply -k openshift/` has,
     * the Template gives exactly its objects, and the Secret that the operator would create.
     */
    @Test
    void givesTheObjectsOfTheKustomizationAndTheSecretWithTheSameValues() {
        Manifests kustomization = Render.Combination.openShift().manifests();
        BuildConfig build = kustomization.all(BuildConfig.class).get(0);
        HorizontalPodAutoscaler autoscaler = kustomization.all(HorizontalPodAutoscaler.class).get(0);
        Map<String, String> values = Map.of(
                "APPLICATION_NAME", build.getMetadata().getLabels().get(Manifests.PART_OF),
                "ROUTE_SUBDOMAIN", kustomization.all(Route.class).get(0).getSpec().getSubdomain(),
                "GIT_URL", build.getSpec().getSource().getGit().getUri(),
                "GIT_REF", build.getSpec().getSource().getGit().getRef(),
                "REPLICAS", String.valueOf(autoscaler.getSpec().getMinReplicas()),
                "MAX_REPLICAS", String.valueOf(autoscaler.getSpec().getMaxReplicas()),
                "REDIS_PASSWORD", "the same as the operator's");

        Map<String, HasMetadata> fromTemplate = byKindAndName(new ProcessedTemplate(values).manifests());
        HasMetadata secret = fromTemplate.remove("Secret redis-auth");

        assertEquals(Set.of("redis-auth"), Render.Combination.openShift().operatorProvided().secrets().keySet(),
                "`oc apply -k openshift/` must expect the one Secret that the Template creates");
        assertTrue(secret instanceof Secret s && "the same as the operator's".equals(s.getStringData().get("password")),
                "the Template must create the Secret redis-auth with the password: " + secret);
        Map<String, HasMetadata> fromKustomization = byKindAndName(kustomization);
        assertEquals(fromKustomization.keySet(), fromTemplate.keySet(), "the Template's objects");
        assertAll(fromKustomization.entrySet().stream().map(object -> () -> assertEquals(object.getValue(),
                fromTemplate.get(object.getKey()), object.getKey() + " differs from the kustomization's in more than"
                        + " the parameters: change openshift/base, not openshift/template")));
    }

    @Test
    void eachParameterReachesTheObjectsItIsFor() {
        Map<String, String> values = Map.of(
                "APPLICATION_NAME", "shop",
                "ROUTE_SUBDOMAIN", "shop-counter",
                "GIT_URL", "https://git.example.com/shop/counter.git",
                "GIT_REF", "v2",
                "REPLICAS", "2",
                "MAX_REPLICAS", "5",
                "REDIS_PASSWORD", "s3cret");
        Manifests manifests = new ProcessedTemplate(values).manifests();

        assertAll(
                () -> assertAll(manifests.all().stream().map(object -> () -> assertEquals("shop",
                        object.getMetadata().getLabels().get(Manifests.PART_OF), describe(object) + " application"))),
                () -> assertAll(manifests.workloads().stream().map(workload -> () -> assertEquals("shop",
                        workload.podLabels().get(Manifests.PART_OF), workload + " pods' application"))),
                () -> assertAll(manifests.all(Route.class).stream().map(route -> () -> assertEquals("shop-counter",
                        route.getSpec().getSubdomain(), describe(route) + " subdomain"))),
                () -> assertAll(manifests.all(BuildConfig.class).stream().map(build -> () -> assertEquals(
                        List.of("https://git.example.com/shop/counter.git", "v2"),
                        List.of(build.getSpec().getSource().getGit().getUri(), build.getSpec().getSource().getGit().getRef()),
                        describe(build) + " Git URL and ref"))),
                () -> assertAll(manifests.all(HorizontalPodAutoscaler.class).stream().map(autoscaler -> () -> assertEquals(
                        List.of(2, 5), List.of(autoscaler.getSpec().getMinReplicas(), autoscaler.getSpec().getMaxReplicas()),
                        describe(autoscaler) + " pods"))),
                () -> assertEquals("s3cret", manifests.secret("redis-auth").orElseThrow().getStringData().get("password"),
                        "Secret redis-auth password"));
    }

    @Test
    void usesEveryParameterAndDeclaresEveryReference() {
        Set<String> declared = ProcessedTemplate.template().getParameters().stream().map(Parameter::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        var tree = ProcessedTemplate.tree(ProcessedTemplate.FILE);

        Set<String> used = ProcessedTemplate.references(tree.path("objects"));
        Set<String> inMessage = ProcessedTemplate.references(tree.path("message"));

        assertAll(
                () -> assertEquals(declared, used, "the parameters, and the ${NAME}s in the objects"),
                () -> assertTrue(declared.containsAll(inMessage), "the message refers to " + inMessage
                        + ", but only " + declared + " are declared"));
    }

    @Test
    void makesAHostAndAPasswordOfItsOwnWhenTheFormLeavesThemEmpty() {
        ProcessedTemplate instance = ProcessedTemplate.withSampleValues();
        Map<String, String> values = instance.values();
        Map<String, Parameter> parameters = parameters();

        assertAll(
                () -> assertTrue(values.get("ROUTE_SUBDOMAIN").matches("counter-[a-z0-9]{6}"),
                        "a generated host must be a DNS label: " + values.get("ROUTE_SUBDOMAIN")),
                () -> assertTrue(values.get("REDIS_PASSWORD").matches("[A-Za-z0-9]{32}"),
                        "a generated password must be 32 letters and digits: " + values.get("REDIS_PASSWORD")),
                () -> assertNotEquals(ProcessedTemplate.generate(parameters.get("REDIS_PASSWORD").getFrom()),
                        ProcessedTemplate.generate(parameters.get("REDIS_PASSWORD").getFrom()),
                        "each instance must get a password of its own"),
                () -> assertEquals(values.get("REDIS_PASSWORD"),
                        instance.manifests().secret("redis-auth").orElseThrow().getStringData().get("password"),
                        "the Secret must hold the generated password"),
                () -> assertTrue(instance.message().contains("https://" + values.get("ROUTE_SUBDOMAIN") + "."),
                        "the message must tell the generated host: " + instance.message()));
    }

    /**
     * A later `oc process … | oc apply` to change a parameter (docs/openshift.md) gives the host and
     * password that run, read back from the project: with them, everything but the changed
     * parameter's objects stays as it is, and no Secret or Route changes.
     */
    @Test
    void processedAgainWithTheLiveValuesItChangesOnlyWhatTheChangedParameterIsFor() {
        ProcessedTemplate first = ProcessedTemplate.withSampleValues();
        Map<String, String> live = Map.of(
                "GIT_URL", "https://git.example.com/your-team/counter.git",
                "ROUTE_SUBDOMAIN", first.manifests().all(Route.class).get(0).getSpec().getSubdomain(),
                "REDIS_PASSWORD", first.manifests().secret("redis-auth").orElseThrow().getStringData().get("password"),
                "MAX_REPLICAS", "8");

        Map<String, HasMetadata> before = byKindAndName(first.manifests());
        Map<String, HasMetadata> after = byKindAndName(new ProcessedTemplate(live).manifests());

        assertEquals(before.keySet(), after.keySet());
        assertAll(before.keySet().stream().filter(id -> !id.startsWith("HorizontalPodAutoscaler "))
                .map(id -> () -> assertEquals(before.get(id), after.get(id), id + " changed")));
        assertNotEquals(ProcessedTemplate.withSampleValues().values(), new ProcessedTemplate(Map.of("GIT_URL",
                "https://git.example.com/your-team/counter.git", "X", "y")).values(),
                "without the live values, the host and the password would be made anew");
    }

    @Test
    void readsWellInTheDeveloperCatalog() {
        Template template = ProcessedTemplate.template();
        Map<String, String> annotations = template.getMetadata().getAnnotations();

        assertAll(
                () -> assertAll(Stream.of("openshift.io/display-name", "description", "openshift.io/long-description",
                                "openshift.io/provider-display-name", "openshift.io/documentation-url",
                                "openshift.io/support-url")
                        .map(key -> () -> assertFalse(annotations.getOrDefault(key, "").isBlank(),
                                "the Template needs the annotation " + key))),
                // A logo that the console ships: https://github.com/openshift/console, catalog-item-icon.
                () -> assertEquals("icon-openliberty", annotations.get("iconClass"), "iconClass"),
                () -> assertTrue(Set.of(annotations.getOrDefault("tags", "").split(","))
                        .containsAll(Set.of("java", "openliberty", "redis")), "tags: " + annotations.get("tags")),
                () -> assertFalse(template.getMessage().isBlank(), "the message after instantiation"),
                () -> assertAll(template.getParameters().stream().map(parameter -> () -> {
                    assertFalse(parameter.getDisplayName() == null || parameter.getDisplayName().isBlank(),
                            parameter.getName() + " needs a displayName, the form's label");
                    assertFalse(parameter.getDescription() == null || parameter.getDescription().isBlank(),
                            parameter.getName() + " needs a description, the form's help");
                })));
    }

    @Test
    void asksTheFormOnlyForTheGitRepository() {
        Set<String> mustBeFilledIn = parameters().values().stream()
                .filter(parameter -> Boolean.TRUE.equals(parameter.getRequired()))
                .filter(parameter -> parameter.getValue() == null || parameter.getValue().isEmpty())
                .filter(parameter -> parameter.getGenerate() == null)
                .map(Parameter::getName)
                .collect(Collectors.toSet());

        assertEquals(Set.of("GIT_URL"), mustBeFilledIn,
                "every other parameter must have a default or be generated, so the form is quick to fill in");
    }

    private static Map<String, Parameter> parameters() {
        return ProcessedTemplate.template().getParameters().stream()
                .collect(Collectors.toMap(Parameter::getName, Function.identity()));
    }

    private static Map<String, HasMetadata> byKindAndName(Manifests manifests) {
        return manifests.all().stream().collect(Collectors.toMap(Manifests::describe, Function.identity(),
                (first, second) -> fail("twice: " + describe(first)), TreeMap::new));
    }
}
