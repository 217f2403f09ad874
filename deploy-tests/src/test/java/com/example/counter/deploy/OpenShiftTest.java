package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.openshift.api.model.BuildConfig;
import io.fabric8.openshift.api.model.ImageStream;
import io.fabric8.openshift.api.model.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What only OpenShift has, in `oc apply -k openshift/` (with each component) and in the processed
 * Template: Routes to existing Service ports, builds of this repository's Containerfile, services
 * that follow the images their builds push, and the console's Topology view. Everything else is
 * checked like any render by the other tests.
 */
class OpenShiftTest {

    private static final String RUNTIME = "app.openshift.io/runtime";
    private static final String CONNECTS_TO = "app.openshift.io/connects-to";
    /** The icon of each workload in the Topology view; the keys are app.kubernetes.io/name. */
    private static final Map<String, String> RUNTIMES = Map.of("web", "openliberty", "web-inc", "openliberty",
            "redis", "redis");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Render> openShiftRenders() {
        return Render.openShift();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openShiftRenders")
    void routesServeIncFromWebIncAndEverythingElseFromWebOverHttpsOnOneHost(Render render) {
        List<Route> routes = render.manifests().all(Route.class);
        Map<String, String> services = new HashMap<>();
        routes.forEach(route -> services.put(route.getSpec().getPath(), route.getSpec().getTo().getName()));
        assertAll(
                () -> assertEquals(Map.of("/inc", "web-inc", "/", "web"), services, render + ": path to Service"),
                () -> assertEquals(1, routes.stream().map(OpenShiftTest::host).distinct().count(),
                        render + ": the Routes must share one host (or one subdomain): " + routes.stream()
                                .map(route -> describe(route) + " " + host(route)).toList()),
                () -> assertAll(routes.stream().map(route -> () -> {
                    assertFalse(host(route).equals("|"), describe(route) + " must set its host or subdomain:"
                            + " left to OpenShift, each Route gets a host of its own");
                    assertNotNull(route.getSpec().getTls(), describe(route) + " must be HTTPS");
                    assertEquals("edge", route.getSpec().getTls().getTermination(), describe(route) + " termination");
                    assertEquals("Redirect", route.getSpec().getTls().getInsecureEdgeTerminationPolicy(),
                            describe(route) + " must redirect http:// to https://");
                })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openShiftRenders")
    void routesSendTrafficToTheNamedHttpPortOfAService(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(Route.class).stream().map(route -> () -> {
            var target = route.getSpec().getTo();
            String where = describe(route) + " to " + target.getKind() + " " + target.getName();
            assertEquals("Service", target.getKind(), where);
            Service service = manifests.service(target.getName()).orElseGet(() -> fail(where + ", which does not exist"));
            assertNotNull(route.getSpec().getPort(), describe(route) + " must name its port: the Service's http");
            String port = route.getSpec().getPort().getTargetPort().getStrVal();
            assertEquals("http", port, describe(route) + " must target the port named http, by name");
            assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> port.equals(p.getName())),
                    where + ", which has no port named " + port);
            List<Service> backends = new ArrayList<>(List.of(service));
            List<Integer> weights = new ArrayList<>(java.util.Collections.singletonList(target.getWeight()));
            route.getSpec().getAlternateBackends().forEach(alternate -> {
                assertEquals("Service", alternate.getKind(), describe(route) + " alternate backend");
                backends.add(manifests.service(alternate.getName()).orElseGet(() -> fail(describe(route)
                        + " alternate backend " + alternate.getName() + " does not exist")));
                weights.add(alternate.getWeight());
            });
            backends.forEach(backend -> assertTrue(backend.getSpec().getPorts().stream().anyMatch(p -> port.equals(
                    p.getName())), describe(route) + ": Service " + describe(backend) + " has no port named " + port));
            WiringTest.assertSplit(manifests, describe(route), backends, weights);
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openShiftRenders")
    void buildConfigsBuildTheContainerfileForTheirModuleIntoImageStreams(Render render) {
        Manifests manifests = render.manifests();
        List<BuildConfig> builds = manifests.all(BuildConfig.class);
        assertFalse(builds.isEmpty(), render + " builds no image");
        assertAll(builds.stream().map(build -> () -> {
            String where = describe(build);
            var source = build.getSpec().getSource();
            assertEquals("Git", source.getType(), where + " source type");
            assertFalse(source.getGit().getUri().isBlank(), where + " has no Git URL");
            assertFalse(source.getGit().getRef().isBlank(), where + " has no Git ref");
            Path context = Repository.ROOT.resolve(Optional.ofNullable(source.getContextDir()).orElse(""));
            assertTrue(Files.isDirectory(context), where + " contextDir " + source.getContextDir()
                    + " is no directory of this repository");
            var strategy = build.getSpec().getStrategy();
            assertEquals("Docker", strategy.getType(), where + " strategy");
            Path containerfile = context.resolve(strategy.getDockerStrategy().getDockerfilePath());
            assertTrue(Files.isRegularFile(containerfile), where + " builds "
                    + strategy.getDockerStrategy().getDockerfilePath() + ", which this repository does not have");
            String release = Repository.pom("/project/version");
            assertEquals(Map.of("MODULE", build.getMetadata().getName(), "VERSION", release),
                    strategy.getDockerStrategy().getBuildArgs().stream().collect(Collectors.toMap(
                            arg -> arg.getName(), arg -> arg.getValue())),
                    where + " must build its own module, labelled with the release version");
            var output = build.getSpec().getOutput().getTo();
            assertEquals("ImageStreamTag", output.getKind(), where + " must push to an ImageStreamTag");
            String stream = output.getName().split(":", 2)[0];
            assertTrue(manifests.find(ImageStream.class, stream).isPresent(),
                    where + " pushes to ImageStream " + stream + ", which does not exist");
            assertEquals(release, Manifests.tag(output.getName()).orElse(""),
                    where + " must tag its image with the release version, as the manifests do");
            assertTrue(build.getSpec().getTriggers().stream().anyMatch(t -> "ConfigChange".equals(t.getType())),
                    where + " must build when created, so a new project gets its images with nothing to start");
        }));
    }

    /** Each Deployment follows the tag that the build of its own module pushes: web runs web's image. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("openShiftRenders")
    void eachServiceRunsTheImageThatTheBuildOfItsModulePushes(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (Deployment deployment : manifests.all(Deployment.class)) {
            String where = describe(deployment);
            List<Manifests.ImageTrigger> triggers = Manifests.imageTriggers(deployment);
            var containers = deployment.getSpec().getTemplate().getSpec().getContainers();
            checks.add(() -> assertEquals(containers.size(), triggers.size(),
                    where + " must take the image of each container from an image trigger"));
            for (Manifests.ImageTrigger trigger : triggers) {
                checks.add(() -> {
                    assertEquals("ImageStreamTag", trigger.kind(), where + " trigger kind");
                    assertTrue(trigger.namespace().isEmpty(), where + " trigger names a namespace: it must use its own");
                    assertTrue(containers.stream().anyMatch(c -> c.getName().equals(trigger.container())),
                            where + " trigger sets the image of container " + trigger.container() + ", which it lacks");
                    assertTrue(manifests.find(ImageStream.class, trigger.imageStream()).isPresent(),
                            where + " follows ImageStream " + trigger.imageStream() + ", which does not exist");
                    if (Manifests.importedImage(manifests, trigger.imageStreamTag()).isPresent()) {
                        return; // a canary: its tag is imported from the registry its CI pushes to
                    }
                    BuildConfig build = manifests.all(BuildConfig.class).stream()
                            .filter(b -> b.getSpec().getOutput().getTo().getName().equals(trigger.imageStreamTag()))
                            .findFirst()
                            .orElseGet(() -> fail(where + " follows " + trigger.imageStreamTag()
                                    + ", which no BuildConfig pushes and no ImageStream imports"));
                    assertTrue(build.getSpec().getStrategy().getDockerStrategy().getBuildArgs().stream().anyMatch(arg ->
                                    arg.getName().equals("MODULE") && arg.getValue().equals(deployment.getMetadata()
                                            .getName())),
                            where + " runs the image of " + describe(build) + ", built from another module");
                });
            }
        }
        assertFalse(checks.isEmpty(), render + " has no Deployments");
        assertAll(checks);
    }

    /**
     * " " is OpenShift's placeholder for an image that a trigger sets: a container left with it
     * never starts. Each has a trigger (Redis's sentinel as Redis itself), from an ImageStream of
     * the render.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("openShiftRenders")
    void everyContainerWithoutAnImageGetsItFromATrigger(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            List<Manifests.ImageTrigger> triggers = Manifests.imageTriggers(workload.owner());
            for (var container : workload.allContainers()) {
                if (container.getImage().isBlank()) {
                    checks.add(() -> assertTrue(triggers.stream().anyMatch(trigger -> trigger.container()
                                    .equals(container.getName()) && manifests.find(ImageStream.class,
                                    trigger.imageStream()).isPresent()),
                            workload + " container " + container.getName() + " has no image, and no trigger from an"
                                    + " ImageStream here sets one"));
                }
            }
            triggers.forEach(trigger -> checks.add(() -> assertTrue(workload.allContainers().stream()
                    .anyMatch(c -> c.getName().equals(trigger.container())),
                    workload + " trigger sets the image of container " + trigger.container() + ", which it lacks")));
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openShiftRenders")
    void topologyShowsEachWorkloadWithItsIconAndArrowsToRedis(Render render) {
        Manifests manifests = render.manifests();
        Optional<StatefulSet> redis = manifests.find(StatefulSet.class, "redis");
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            Map<String, String> labels = workload.owner().getMetadata().getLabels();
            checks.add(() -> assertEquals(RUNTIMES.get(labels.get(Manifests.NAME)), labels.get(RUNTIME),
                    workload + " " + RUNTIME + " (its icon)"));
            List<JsonNode> arrows = connectsTo(workload.owner());
            for (JsonNode arrow : arrows) {
                checks.add(() -> assertTrue(manifests.workloads().stream().anyMatch(target ->
                                target.owner().getKind().equals(arrow.path("kind").asText())
                                        && target.name().equals(arrow.path("name").asText())
                                        && target.owner().getApiVersion().equals(arrow.path("apiVersion").asText())),
                        workload + " " + CONNECTS_TO + " points at " + arrow + ", which is no workload here"));
            }
            if (workload.owner() instanceof Deployment && redis.isPresent()) {
                checks.add(() -> assertTrue(arrows.stream().anyMatch(arrow -> arrow.path("name").asText().equals("redis")),
                        workload + " must show its arrow to Redis (" + CONNECTS_TO + ")"));
            }
        }
        assertAll(checks);
    }

    private static List<JsonNode> connectsTo(HasMetadata object) {
        String value = object.getMetadata().getAnnotations().get(CONNECTS_TO);
        if (value == null) {
            return List.of();
        }
        try {
            JsonNode arrows = JSON.readTree(value);
            assertTrue(arrows.isArray(), describe(object) + " " + CONNECTS_TO + " must be a JSON array");
            List<JsonNode> list = new ArrayList<>();
            arrows.forEach(list::add);
            return list;
        } catch (IOException e) {
            return fail(describe(object) + " " + CONNECTS_TO + " is not JSON: " + e.getMessage());
        }
    }

    /** The host a Route claims: its host, else its subdomain (under the cluster's apps domain). */
    private static String host(Route route) {
        return Objects.requireNonNullElse(route.getSpec().getHost(), "")
                + "|" + Objects.requireNonNullElse(route.getSpec().getSubdomain(), "");
    }
}
