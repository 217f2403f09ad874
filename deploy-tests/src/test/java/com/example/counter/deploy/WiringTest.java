package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static com.example.counter.deploy.Manifests.selector;
import static com.example.counter.deploy.Manifests.show;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reference between the rendered objects resolves (selectors, ports, probes, names, keys,
 * Redis host names), and the services get only configuration the code reads: each COUNTER_*
 * variable is the environment form of a key in a module's microprofile-config.properties, where
 * every key the code reads has its default, so a renamed key or a typo fails here, not in a pod.
 */
class WiringTest {

    /** Without these the services would talk to the defaults in the WARs: a Redis on localhost. */
    private static final Set<String> REQUIRED = Set.of(
            "COUNTER_REDIS_WRITE_URI", "COUNTER_REDIS_READ_URI", "COUNTER_REDIS_PASSWORD");
    private static final String PASSWORD = "COUNTER_REDIS_PASSWORD";
    /** An environment variable that a shell script reads: ${NAME} and ${NAME:-default}. */
    private static final Pattern SCRIPT_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[}:]");
    /** Variables of Liberty (WLP_*: logging, output) and OpenTelemetry (OTEL_*), by prefix. */
    private static final List<String> PLATFORM_PREFIXES = List.of("WLP_", "OTEL_");
    /** The JVM's own: the HotSpot and OpenJ9 launchers read these. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "OPENJ9_JAVA_OPTIONS");
    /** The environment variable name for each configuration key, e.g. COUNTER_KEY for counter.key. */
    private static final Map<String, String> KEYS_BY_VARIABLE = configurationKeys().stream()
            .collect(Collectors.toMap(WiringTest::environmentForm, Function.identity(), (a, b) -> a));

    static Stream<Render> renders() {
        return Render.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void workloadsAndTheirSpreadSelectTheirOwnPods(Render render) {
        assertAll(render.manifests().workloads().stream().flatMap(workload -> Stream.concat(
                Stream.of(workload.selector()), workload.pod().getTopologySpreadConstraints().stream()
                        .map(spread -> spread.getLabelSelector()))
                .map(selector -> () -> assertTrue(Manifests.matches(selector(selector, workload.toString()),
                        workload.podLabels()), workload + ": " + selector.getMatchLabels() + " misses its pods"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void servicesSendTrafficToPortsThePodsOpen(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(Service.class).stream().map(service -> () -> {
            List<Manifests.Workload> selected = manifests.selectedBy(service.getSpec().getSelector());
            assertFalse(selected.isEmpty(), describe(service) + " selects no pods");
            for (ServicePort port : service.getSpec().getPorts()) {
                IntOrString target = Optional.ofNullable(port.getTargetPort()).orElse(new IntOrString(port.getPort()));
                selected.forEach(workload -> assertTrue(workload.opens(target), describe(service) + " port "
                        + port.getName() + " targets " + show(target) + ", which " + workload + " does not open"));
            }
        }));
    }

    /**
     * The kubelet probes MicroProfile Health where Liberty serves it: on the management port, the
     * one no Service exposes (on the http port, /health answers 404).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void serviceProbesAreMicroProfileHealthOnTheirManagementPort(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Deployment deployment : render.manifests().all(Deployment.class)) {
            for (Container c : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                String where = describe(deployment) + " container " + c.getName();
                checks.add(() -> assertHealthProbe(where + " startupProbe", c.getStartupProbe(), "/health/started", c));
                checks.add(() -> assertHealthProbe(where + " livenessProbe", c.getLivenessProbe(), "/health/live", c));
                checks.add(() -> assertHealthProbe(where + " readinessProbe", c.getReadinessProbe(), "/health/ready", c));
            }
        }
        assertFalse(checks.isEmpty(), render + " has no Deployments");
        assertAll(checks);
    }

    private static void assertHealthProbe(String where, Probe probe, String path, Container container) {
        assertNotNull(probe, where + " is missing");
        assertNotNull(probe.getHttpGet(), where + " must be an HTTP GET of " + path);
        assertEquals(path, probe.getHttpGet().getPath(), where + " path");
        assertTrue(container.getPorts().stream().anyMatch(port -> Manifests.refersTo(probe.getHttpGet().getPort(), port)
                && Manifests.MANAGEMENT_PORT.equals(port.getName())), where + " must use the container's "
                + Manifests.MANAGEMENT_PORT + " port, where Liberty serves /health, not "
                + show(probe.getHttpGet().getPort()));
    }

    /**
     * The ports the Liberty containers declare are the ones server.xml opens: http on its
     * http.port, management on its management.port (their defaults, which nothing overrides).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void libertyContainersDeclareThePortsServerXmlOpens(Render render) {
        Map<String, Integer> opened = Map.of(
                Manifests.HTTP_PORT, Integer.parseInt(ServerXml.variableDefault("http.port")),
                Manifests.MANAGEMENT_PORT, Integer.parseInt(ServerXml.variableDefault("management.port")));
        assertAll(render.manifests().all(Deployment.class).stream().flatMap(deployment -> deployment.getSpec()
                .getTemplate().getSpec().getContainers().stream().map(container -> () -> assertEquals(opened,
                        container.getPorts().stream().collect(Collectors.toMap(port -> port.getName(),
                                port -> port.getContainerPort())),
                        describe(deployment) + " container " + container.getName() + " ports, by name"))));
    }

    /**
     * The public ways in (Ingress, OpenShift Route, Gateway API HTTPRoute) reach the API only: each
     * backend is a Service port whose target, on every pod the Service selects, is the container's
     * http port. No Service exposes the management port, by name or by number, so nothing routes
     * to /health or /metrics.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void theWaysInReachTheHttpPortAndNoServiceExposesManagement(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (Service service : manifests.all(Service.class)) {
            for (ServicePort port : service.getSpec().getPorts()) {
                IntOrString target = Optional.ofNullable(port.getTargetPort()).orElse(new IntOrString(port.getPort()));
                String where = describe(service) + " port " + port.getName();
                checks.add(() -> assertFalse(Manifests.MANAGEMENT_PORT.equals(port.getName())
                        || Manifests.MANAGEMENT_PORT.equals(target.getStrVal())
                        || Integer.valueOf(ServerXml.managementPort()).equals(port.getPort())
                        || Integer.valueOf(ServerXml.managementPort()).equals(target.getIntVal()),
                        where + " exposes the management port (health, metrics): " + port));
                manifests.selectedBy(service.getSpec().getSelector()).forEach(workload -> checks.add(() ->
                        assertFalse(workload.allContainers().stream().flatMap(c -> c.getPorts().stream())
                                .anyMatch(p -> Manifests.refersTo(target, p)
                                        && Manifests.MANAGEMENT_PORT.equals(p.getName())),
                                where + " targets the management port of " + workload)));
            }
        }
        for (Manifests.Backend backend : manifests.waysIn()) {
            checks.add(() -> {
                Service service = manifests.service(backend.service())
                        .orElseGet(() -> fail(backend.where() + " sends to Service " + backend.service()
                                + ", which does not exist"));
                ServicePort port = service.getSpec().getPorts().stream().filter(backend::names).findFirst()
                        .orElseGet(() -> fail(backend.where() + ": Service " + backend.service() + " has no port "
                                + backend.port()));
                IntOrString target = Optional.ofNullable(port.getTargetPort()).orElse(new IntOrString(port.getPort()));
                List<Manifests.Workload> pods = manifests.selectedBy(service.getSpec().getSelector());
                assertFalse(pods.isEmpty(), backend.where() + ": Service " + backend.service() + " selects no pods");
                pods.forEach(workload -> assertTrue(workload.allContainers().stream()
                                .flatMap(c -> c.getPorts().stream())
                                .anyMatch(p -> Manifests.refersTo(target, p) && Manifests.HTTP_PORT.equals(p.getName())),
                        backend.where() + " reaches " + workload + " through Service " + backend.service() + " port "
                                + port.getName() + " -> " + show(target) + ", which is not its http port"));
            });
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void execProbesTakeThePasswordFromTheEnvironmentNotTheirCommandLine(Render render) {
        assertAll(render.manifests().workloads().stream().flatMap(workload -> workload.allContainers().stream()
                .flatMap(container -> Stream.of(container.getStartupProbe(), container.getLivenessProbe(),
                                container.getReadinessProbe())
                        .filter(probe -> probe != null && probe.getExec() != null)
                        .map(probe -> () -> {
                            List<String> command = probe.getExec().getCommand();
                            String where = workload + " probe " + command;
                            assertTrue(command.stream().noneMatch(arg -> arg.equals("-a") || arg.startsWith("--pass")
                                    || arg.startsWith("--user")), where + " passes credentials as arguments");
                            assertTrue(container.getEnv().stream().anyMatch(env -> env.getName().equals("REDISCLI_AUTH")
                                            && env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null),
                                    where + ": redis-cli must find the password in REDISCLI_AUTH, from a Secret");
                        }))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void ingressesSendIncToWebIncAndEverythingElseToWebOnExistingPorts(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(Ingress.class).stream().map(ingress -> () -> {
            Map<String, String> routes = new HashMap<>();
            ingress.getSpec().getRules().stream().flatMap(rule -> rule.getHttp().getPaths().stream()).forEach(path -> {
                String where = describe(ingress) + " path " + path.getPath();
                assertEquals("Prefix", path.getPathType(), where + " type");
                var backend = path.getBackend().getService();
                Service service = manifests.service(backend.getName())
                        .orElseGet(() -> fail(where + " sends to Service " + backend.getName() + ", which does not exist"));
                assertTrue(service.getSpec().getPorts().stream().anyMatch(port -> backend.getPort().getName() != null
                        ? backend.getPort().getName().equals(port.getName())
                        : backend.getPort().getNumber().equals(port.getPort())), where + " names a port the Service lacks");
                routes.put(path.getPath(), service.getSpec().getSelector().get(Manifests.NAME));
            });
            assertEquals(Map.of("/inc", "web-inc", "/", "web"), routes, describe(ingress) + ": path to the pods' name");
            Set<String> hosts = ingress.getSpec().getRules().stream().map(rule -> rule.getHost())
                    .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
            ingress.getSpec().getTls().forEach(tls -> assertTrue(!tls.getHosts().isEmpty()
                    && hosts.containsAll(tls.getHosts()), describe(ingress) + " TLS hosts " + tls.getHosts()
                    + " must be named (cert-manager issues for them) and served by the rules " + hosts));
            assertTrue(ingress.getMetadata().getAnnotations().keySet().stream().noneMatch(key -> key.contains("rewrite")),
                    describe(ingress) + " must pass paths on unchanged: each WAR serves its own context root");
        }));
    }

    /**
     * The Gateway API's HTTPRoute routes as the Ingress does, on a Gateway it names; with a canary,
     * each rule splits by weights that add up to 100 between the stable Service and the canary
     * Service of the same service, both existing on the port named.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void httpRoutesSendIncToWebIncAndEverythingElseToWebSplittingOnlyByWeight(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(HTTPRoute.class).stream().map(route -> () -> {
            assertFalse(route.getSpec().getParentRefs().isEmpty() || route.getSpec().getParentRefs().stream()
                    .anyMatch(parent -> parent.getName().isBlank()), describe(route) + " must name its Gateway");
            Map<String, String> routes = new HashMap<>();
            for (var rule : route.getSpec().getRules()) {
                String path = rule.getMatches().get(0).getPath().getValue();
                String where = describe(route) + " " + path;
                assertEquals("PathPrefix", rule.getMatches().get(0).getPath().getType(), where);
                List<Service> backends = rule.getBackendRefs().stream().map(backend -> {
                    Service service = manifests.service(backend.getName())
                            .orElseGet(() -> fail(where + " sends to Service " + backend.getName() + ", which does not exist"));
                    assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getPort().equals(backend.getPort())),
                            where + ": Service " + backend.getName() + " has no port " + backend.getPort());
                    return service;
                }).toList();
                routes.put(path, backends.get(0).getSpec().getSelector().get(Manifests.NAME));
                assertSplit(manifests, where, backends, rule.getBackendRefs().stream().map(b -> b.getWeight()).toList());
            }
            assertEquals(Map.of("/inc", "web-inc", "/", "web"), routes, describe(route) + ": path to the pods' name");
        }));
    }

    /**
     * The backends of one path: one Service, or the stable one and a canary of the same service by
     * weights that add up to 100, whose pods (on different tracks) no selector shares.
     */
    static void assertSplit(Manifests manifests, String where, List<Service> backends, List<Integer> weights) {
        if (backends.size() == 1) {
            assertTrue(weights.get(0) == null || weights.get(0) > 0, where + " sends nothing to its one backend");
            return;
        }
        assertEquals(2, backends.size(), where + ": the stable Service and one canary");
        assertEquals(100, weights.stream().mapToInt(weight -> weight == null ? 1 : weight).sum(),
                where + " weights " + weights + " must add up to 100");
        assertEquals(backends.get(0).getSpec().getSelector().get(Manifests.NAME),
                backends.get(1).getSpec().getSelector().get(Manifests.NAME), where + " splits between two services");
        List<Manifests.Workload> stable = manifests.selectedBy(backends.get(0).getSpec().getSelector());
        List<Manifests.Workload> canary = manifests.selectedBy(backends.get(1).getSpec().getSelector());
        assertTrue(!stable.isEmpty() && !canary.isEmpty() && java.util.Collections.disjoint(stable, canary),
                where + ": the stable and canary Services must select pods of their own, " + stable + " / " + canary);
        assertEquals("canary", backends.get(1).getSpec().getSelector().get(Manifests.COMPONENT),
                where + ": the second backend must be the canary");
    }

    /** Where a canary runs, every way in that can split traffic gives it its share. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void aCanaryGetsItsShareOnEveryWayInThatSplits(Render render) {
        Manifests manifests = render.manifests();
        boolean canary = manifests.workloads().stream()
                .anyMatch(w -> "canary".equals(w.podLabels().get(Manifests.COMPONENT)));
        Stream<Executable> httpRoutes = manifests.all(HTTPRoute.class).stream().flatMap(route -> route.getSpec()
                .getRules().stream().map(rule -> () -> assertEquals(canary ? 2 : 1, rule.getBackendRefs().size(),
                        describe(route) + " " + rule.getMatches() + " backends")));
        Stream<Executable> routes = manifests.all(io.fabric8.openshift.api.model.Route.class).stream().map(route -> () ->
                assertEquals(canary ? 1 : 0, route.getSpec().getAlternateBackends().size(),
                        describe(route) + " alternate backends"));
        assertAll(Stream.concat(httpRoutes, routes));
    }

    /**
     * A canary runs as the stable release of its service does, but for its image: the same
     * ConfigMaps and Secrets, the same variables, the same ports and probes. A component that
     * changes the Deployments (tracing, external-redis) must come after canary to reach both.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void aCanaryIsConfiguredAsItsStableService(Render render) {
        Manifests manifests = render.manifests();
        List<Deployment> deployments = manifests.all(Deployment.class);
        assertAll(deployments.stream().filter(d -> "canary".equals(d.getMetadata().getLabels().get(Manifests.COMPONENT)))
                .map(canary -> () -> {
                    String name = canary.getMetadata().getLabels().get(Manifests.NAME);
                    Deployment stable = deployments.stream().filter(d -> name.equals(d.getMetadata().getLabels()
                            .get(Manifests.NAME)) && !"canary".equals(d.getMetadata().getLabels().get(Manifests.COMPONENT)))
                            .findFirst().orElseGet(() -> fail(describe(canary) + " has no stable " + name));
                    assertEquals(runsAs(stable), runsAs(canary), describe(canary) + " runs otherwise than "
                            + describe(stable));
                }));
    }

    /** How a Deployment's containers run, leaving out their image. */
    private static List<String> runsAs(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream().map(c -> c.getName()
                + " envFrom " + c.getEnvFrom().stream().map(e -> e.getConfigMapRef() != null
                        ? "ConfigMap " + e.getConfigMapRef().getName() : "Secret " + e.getSecretRef().getName()).toList()
                + " env " + c.getEnv() + " ports " + c.getPorts() + " probes " + List.of(
                        String.valueOf(c.getStartupProbe()), String.valueOf(c.getLivenessProbe()),
                        String.valueOf(c.getReadinessProbe()))).toList();
    }

    /**
     * No selector of any object (Service, budget, policy, spread) picks pods of both tracks, but
     * one that names the instance alone: that one means every pod of the instance, on purpose
     * (components/monitoring lets Prometheus scrape them all).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void noSelectorSpansTheStableAndCanaryTracks(Render render) {
        Manifests manifests = render.manifests();
        Stream<Map.Entry<String, Map<String, String>>> selectors = Stream.of(
                manifests.all(Service.class).stream().map(s -> Map.entry(describe(s), s.getSpec().getSelector())),
                manifests.all(PodDisruptionBudget.class).stream().map(b -> Map.entry(describe(b),
                        selector(b.getSpec().getSelector(), describe(b)))),
                manifests.workloads().stream().map(w -> Map.entry(w.toString(), selector(w.selector(), w.toString()))),
                manifests.all(NetworkPolicy.class).stream().map(p -> Map.entry(describe(p),
                        selector(p.getSpec().getPodSelector(), describe(p))))).flatMap(s -> s)
                .filter(entry -> !entry.getValue().keySet().equals(Set.of(Manifests.INSTANCE)));
        assertAll(selectors.map(entry -> () -> assertTrue(manifests.selectedBy(entry.getValue()).stream()
                .map(w -> "canary".equals(w.podLabels().get(Manifests.COMPONENT))).distinct().count() <= 1,
                entry.getKey() + " selects pods of both the stable and the canary track")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void statefulSetsHaveTheirHeadlessServiceAndTheirOwnVolumes(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(StatefulSet.class).stream().map(statefulSet -> () -> {
            String where = describe(statefulSet) + " serviceName " + statefulSet.getSpec().getServiceName();
            Service service = manifests.service(statefulSet.getSpec().getServiceName())
                    .orElseGet(() -> fail(where + " does not exist"));
            assertEquals("None", service.getSpec().getClusterIP(), where + " must be headless (clusterIP: None)");
            assertTrue(Manifests.matches(service.getSpec().getSelector(),
                    statefulSet.getSpec().getTemplate().getMetadata().getLabels()), where + " must select its pods");
            var claims = statefulSet.getSpec().getVolumeClaimTemplates();
            assertFalse(claims.isEmpty(), describe(statefulSet) + " has no volumeClaimTemplates: its data would"
                    + " not survive a restart");
            claims.forEach(claim -> assertTrue(statefulSet.getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(container -> container.getVolumeMounts().stream())
                    .anyMatch(mount -> mount.getName().equals(claim.getMetadata().getName())),
                    describe(statefulSet) + " mounts no volume from its claim " + claim.getMetadata().getName()));
        }));
    }

    /** Each Deployment has an autoscaler that owns its replicas, and every workload a disruption budget. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void autoscalersAndDisruptionBudgetsCoverOneExistingWorkloadEach(Render render) {
        Manifests manifests = render.manifests();
        List<HorizontalPodAutoscaler> autoscalers = manifests.all(HorizontalPodAutoscaler.class);
        List<PodDisruptionBudget> budgets = manifests.all(PodDisruptionBudget.class);
        Stream<Executable> scaled = autoscalers.stream().map(autoscaler -> () -> {
            var target = autoscaler.getSpec().getScaleTargetRef();
            String where = describe(autoscaler) + " target " + target.getKind() + " " + target.getName();
            assertEquals("Deployment", target.getKind(), where + ": only Deployments are scaled here");
            assertNull(manifests.find(Deployment.class, target.getName()).orElseGet(() -> fail(where + " does not exist"))
                    .getSpec().getReplicas(), where + " sets replicas: each apply would reset what the autoscaler chose");
            assertTrue(autoscaler.getSpec().getMinReplicas() <= autoscaler.getSpec().getMaxReplicas(),
                    describe(autoscaler) + " minReplicas is above maxReplicas");
        });
        Stream<Executable> everyDeploymentScaled = manifests.all(Deployment.class).stream()
                .filter(deployment -> deployment.getSpec().getReplicas() == null).map(deployment -> () ->
                assertTrue(autoscalers.stream().anyMatch(a -> a.getSpec().getScaleTargetRef().getName()
                        .equals(deployment.getMetadata().getName())), describe(deployment) + " sets no replicas and"
                                + " has no autoscaler"));
        Stream<Executable> budgeted = budgets.stream().map(budget -> () -> assertEquals(1,
                manifests.selectedBy(selector(budget.getSpec().getSelector(), describe(budget))).size(),
                describe(budget) + " must select the pods of exactly one workload"));
        Stream<Executable> everyWorkloadBudgeted = manifests.workloads().stream().map(workload -> () -> assertTrue(
                budgets.stream().anyMatch(budget -> Manifests.matches(selector(budget.getSpec().getSelector(),
                        describe(budget)), workload.podLabels())),
                workload + " has no PodDisruptionBudget: a node drain could stop all its pods at once"));
        assertAll(Stream.of(scaled, everyDeploymentScaled, budgeted, everyWorkloadBudgeted).flatMap(s -> s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void networkPoliciesNameExistingPodsAndPorts(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            String where = describe(policy);
            List<Manifests.Workload> protectedPods = manifests.selectedBy(selector(policy.getSpec().getPodSelector(), where));
            checks.add(() -> assertFalse(protectedPods.isEmpty(), where + " applies to no pods"));
            policy.getSpec().getIngress().forEach(rule -> {
                // Pods of this namespace must exist; another namespace's (a namespaceSelector) are
                // not in the render, and MonitoringTest checks which namespace each one admits.
                rule.getFrom().stream().filter(peer -> peer.getNamespaceSelector() == null).forEach(peer -> checks.add(
                        () -> assertFalse(manifests.selectedBy(selector(peer.getPodSelector(), where + " from")).isEmpty(),
                                where + " lets in pods that do not exist: " + peer.getPodSelector().getMatchLabels())));
                checks.add(() -> assertFalse(rule.getPorts().isEmpty(), where + " must limit each rule to named ports"));
                // A named port opens on the pods that have it: each port must be one some protected
                // pod opens, and each protected pod must open one of the rule's ports.
                rule.getPorts().forEach(port -> checks.add(() -> assertTrue(protectedPods.stream()
                        .anyMatch(workload -> workload.opens(port.getPort())), where + " opens "
                        + show(port.getPort()) + ", which none of " + protectedPods + " has")));
                protectedPods.forEach(workload -> checks.add(() -> assertTrue(rule.getPorts().stream()
                        .anyMatch(port -> workload.opens(port.getPort())), where + " applies to " + workload
                        + " but opens none of its ports: " + rule.getPorts().stream().map(p -> show(p.getPort())).toList())));
            });
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyConfigMapAndSecretKeyExistsOrIsProvidedByTheOperator(Render render) {
        Manifests manifests = render.manifests();
        Render.OperatorProvided operatorProvided = render.operatorProvided();
        Stream<Manifests.Reference> tls = manifests.all(Ingress.class).stream().flatMap(ingress -> ingress.getSpec()
                .getTls().stream().map(t -> new Manifests.Reference("Secret", t.getSecretName(), Optional.empty(),
                        describe(ingress) + " tls")));
        assertAll(Stream.concat(manifests.workloads().stream().flatMap(w -> Manifests.references(w).stream()), tls)
                .map(reference -> () -> {
                    String what = reference.where() + " needs " + reference.kind() + " " + reference.name()
                            + reference.key().map(key -> " key " + key).orElse("");
                    Optional<Map<String, String>> data = reference.kind().equals("ConfigMap")
                            ? manifests.configMap(reference.name()).map(ConfigMap::getData)
                            : manifests.secret(reference.name()).map(Manifests::keysOf);
                    Set<String> keys = data.map(Map::keySet).orElseGet(() -> {
                        assertTrue(reference.kind().equals("Secret") && operatorProvided.hasSecret(reference.name()),
                                what + ": the render has no such object, and no operator-provided.yaml declares it");
                        return operatorProvided.secretKeys(reference.name());
                    });
                    reference.key().ifPresent(key -> assertTrue(keys.contains(key), what + ", which it lacks"));
                }));
    }

    /**
     * A one-label host is a Service; "pod.service" is a StatefulSet pod under its headless Service;
     * anything longer is outside the cluster. A cluster-internal FQDN would bake in the namespace.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void redisUrisNameRedisInTheRenderOrOutsideTheCluster(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (Deployment deployment : manifests.all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                manifests.environment(container, render.operatorProvided()).stream()
                        .filter(variable -> variable.value().filter(value -> value.matches("rediss?://.*")).isPresent())
                        .forEach(variable -> checks.add(() -> assertRedisHost(manifests,
                                describe(deployment) + " " + variable.name(), URI.create(variable.value().get()))));
            }
        }
        assertFalse(checks.isEmpty(), render + ": the services get no Redis URI");
        assertAll(checks);
    }

    static void assertRedisHost(Manifests manifests, String where, URI uri) {
        String host = uri.getHost();
        assertNotNull(host, where + " = " + uri + " has no host");
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        String[] labels = host.split("\\.");
        assertFalse(host.contains(".svc"), where + " = " + uri + " names the namespace (use the short name)");
        if (labels.length == 1) {
            Service service = manifests.service(host).orElseGet(() -> fail(where + " = " + uri + ": no Service " + host));
            assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port),
                    where + " = " + uri + ": Service " + host + " has no port " + port);
        } else if (labels.length == 2) {
            assertTrue(manifests.all(StatefulSet.class).stream().anyMatch(statefulSet -> {
                String prefix = statefulSet.getMetadata().getName() + "-";
                return statefulSet.getSpec().getServiceName().equals(labels[1]) && labels[0].startsWith(prefix)
                        && labels[0].substring(prefix.length()).matches("\\d+")
                        && Integer.parseInt(labels[0].substring(prefix.length()))
                                < Optional.ofNullable(statefulSet.getSpec().getReplicas()).orElse(1)
                        && statefulSet.getSpec().getTemplate().getSpec().getContainers().stream()
                                .flatMap(c -> c.getPorts().stream()).anyMatch(p -> p.getContainerPort() == port);
            }), where + " = " + uri + ": no StatefulSet pod " + labels[0] + " under headless Service " + labels[1]
                    + " listens on " + port);
        }
    }

    /**
     * Each COUNTER_* variable of a service is a configuration key, so a misspelled one fails here.
     * Any other variable is one that the platform reads (Liberty's WLP_*, the JVM's, OpenTelemetry's
     * OTEL_*, or the environment form of a variable that server.xml declares, such as
     * ACCESS_LOGGING_ENABLED), or feeds a $(NAME) reference of the same container (a part of a
     * URI, say). The Redis endpoints and the password (from a Secret) are always there.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void servicesGetTheirConfigurationKeysOnly(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (Deployment deployment : manifests.all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                String where = describe(deployment) + " container " + container.getName();
                var environment = manifests.environment(container, render.operatorProvided());
                Set<String> names = environment.stream().map(Manifests.Variable::name).collect(Collectors.toSet());
                for (String name : names) {
                    checks.add(() -> assertTrue(name.startsWith("COUNTER_") ? KEYS_BY_VARIABLE.containsKey(name)
                                    : isReadByThePlatform(name) || Manifests.dependencies(container).contains(name),
                            where + " gets " + name + ", which is no configuration key ("
                                    + new TreeSet<>(KEYS_BY_VARIABLE.keySet()) + "), no variable of Liberty, the JVM"
                                    + " or OpenTelemetry (" + PLATFORM_PREFIXES + ", " + JVM_VARIABLES
                                    + ", server.xml's " + ServerXml.variablesInEnvironmentForm()
                                    + ") and no part of another variable"));
                }
                checks.add(() -> assertTrue(names.containsAll(REQUIRED), where + " must get " + REQUIRED));
                checks.add(() -> assertTrue(environment.stream().filter(variable -> variable.name().equals(PASSWORD))
                        .allMatch(Manifests.Variable::fromSecret), where + " " + PASSWORD + " must come from a Secret"));
            }
        }
        assertAll(checks);
    }

    /** Variables that Liberty, the JVM or OpenTelemetry read, which the services may be given. */
    static boolean isReadByThePlatform(String name) {
        return PLATFORM_PREFIXES.stream().anyMatch(name::startsWith) || JVM_VARIABLES.contains(name)
                || ServerXml.variablesInEnvironmentForm().contains(name);
    }

    @Test
    void theServicesMayGetWhatThePlatformReadsButNotAMisspelledCounterKey() {
        assertAll(
                () -> assertTrue(isReadByThePlatform("WLP_LOGGING_CONSOLE_FORMAT")),
                () -> assertTrue(isReadByThePlatform("OTEL_EXPORTER_OTLP_ENDPOINT")),
                () -> assertTrue(isReadByThePlatform("JAVA_TOOL_OPTIONS")),
                () -> assertTrue(isReadByThePlatform("UPDATE_TRIGGER"), "server.xml's update.trigger"),
                () -> assertFalse(isReadByThePlatform("COUNTER_REDIS_WRITE_URL")),
                () -> assertFalse(KEYS_BY_VARIABLE.containsKey("COUNTER_REDIS_WRITE_URL"), "a misspelled key"),
                () -> assertFalse(isReadByThePlatform("WRITE_URI")));
    }

    /** The start scripts of the Redis pods' containers, by file name: Redis's and its sentinel's. */
    private static final Map<String, Path> START_SCRIPTS = Map.of(
            "redis-start.sh", RedisPod.SCRIPTS.resolve("redis-start.sh"),
            "sentinel-start.sh", SentinelTest.START_SCRIPT);

    /**
     * A typo in a ConfigMap key would leave the setting at its default without a word. Each
     * container that runs a start script gets only what that script reads, and what a ConfigMap it
     * shares with the pod's other scripts gives them (the sentinel's settings in redis-config):
     * a key that no script of the pod reads is a typo.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void redisPodsGetOnlyVariablesTheirStartScriptsRead(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (StatefulSet statefulSet : manifests.all(StatefulSet.class)) {
            Map<Container, Set<String>> scripted = new HashMap<>();
            statefulSet.getSpec().getTemplate().getSpec().getContainers().forEach(container -> startScript(container)
                    .ifPresent(script -> scripted.put(container, variablesReadBy(script))));
            checks.add(() -> assertTrue(scripted.keySet().stream().anyMatch(RedisPod::runsTheStartScript),
                    describe(statefulSet) + " runs no redis-start.sh"));
            scripted.forEach((container, read) -> checks.add(() -> {
                Set<String> shared = new TreeSet<>();
                scripted.forEach((other, otherRead) -> {
                    if (other != container) {
                        container.getEnvFrom().stream().filter(source -> source.getConfigMapRef() != null
                                        && other.getEnvFrom().contains(source))
                                .flatMap(source -> manifests.configMap(source.getConfigMapRef().getName()).stream())
                                .flatMap(configMap -> configMap.getData().keySet().stream())
                                .filter(otherRead::contains).forEach(shared::add);
                    }
                });
                Set<String> given = manifests.environment(container, render.operatorProvided()).stream()
                        .map(Manifests.Variable::name).collect(Collectors.toCollection(TreeSet::new));
                given.removeAll(read);
                given.removeAll(shared);
                assertEquals(Set.of(), given, describe(statefulSet) + " container " + container.getName()
                        + " gets variables its start script does not read: " + read);
            }));
        }
        assertAll(checks);
    }

    private static Optional<Path> startScript(Container container) {
        return container.getCommand().stream().findFirst().map(command -> command.substring(command.lastIndexOf('/') + 1))
                .map(START_SCRIPTS::get);
    }

    /** The environment variables a script reads: ${NAME} and ${NAME:-default}. */
    private static Set<String> variablesReadBy(Path script) {
        Set<String> read = new TreeSet<>();
        Matcher variable = SCRIPT_VARIABLE.matcher(Repository.read(script));
        while (variable.find()) {
            read.add(variable.group(1));
        }
        return read;
    }

    @Test
    void configurationKeysAreReadFromEveryModulesDefaults() {
        assertTrue(KEYS_BY_VARIABLE.keySet().containsAll(REQUIRED), "no default for " + REQUIRED + " in "
                + PROPERTIES + ": the services could not read them");
        assertEquals("COUNTER_REDIS_WRITE_URI", environmentForm("counter.redis.write-uri"));
    }

    private static final String PROPERTIES = "*/src/main/resources/META-INF/microprofile-config.properties";

    /** The MicroProfile Config rule: each character that is not a letter or digit becomes _, then upper case. */
    static String environmentForm(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** Every key with a default in a module's microprofile-config.properties. */
    private static Set<String> configurationKeys() {
        try (Stream<Path> modules = Files.list(Repository.ROOT)) {
            Set<String> keys = new TreeSet<>();
            for (Path file : modules.map(m -> m.resolve("src/main/resources/META-INF/microprofile-config.properties"))
                    .filter(Files::isRegularFile).toList()) {
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(file)) {
                    properties.load(reader);
                }
                keys.addAll(properties.stringPropertyNames());
            }
            return keys.isEmpty() ? fail("no " + PROPERTIES + ": cannot check the services' environment") : keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
