package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every reference between the rendered objects resolves: selectors, ports, probes, names and keys. */
class WiringTest {

    static Stream<Render> renders() {
        return Render.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void workloadsSelectTheirOwnPods(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : render.manifests().workloads()) {
            checks.add(() -> assertTrue(Labels.matches(Labels.of(workload.selector(), workload.toString()),
                    workload.podLabels()), workload + ": the selector does not match the pod labels"));
            workload.pod().getTopologySpreadConstraints().forEach(spread -> checks.add(() -> assertTrue(
                    Labels.matches(Labels.of(spread.getLabelSelector(), workload + " topology spread"),
                            workload.podLabels()),
                    workload + ": the topology spread constraint selects other pods than its own")));
        }
        assertAll(checks);
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
                selected.forEach(workload -> assertTrue(opens(workload, target),
                        describe(service) + " port " + port.getName() + " targets " + show(target)
                                + ", which no container of " + workload + " declares"));
            }
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void serviceProbesAreMicroProfileHealthOnTheirHttpPort(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Deployment deployment : render.manifests().all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                String where = describe(deployment) + " container " + container.getName();
                checks.add(() -> assertHealthProbe(where + " startupProbe", container.getStartupProbe(),
                        "/health/started", container));
                checks.add(() -> assertHealthProbe(where + " livenessProbe", container.getLivenessProbe(),
                        "/health/live", container));
                checks.add(() -> assertHealthProbe(where + " readinessProbe", container.getReadinessProbe(),
                        "/health/ready", container));
            }
        }
        assertFalse(checks.isEmpty(), render + " has no Deployments");
        assertAll(checks);
    }

    private static void assertHealthProbe(String where, Probe probe, String path, Container container) {
        assertNotNull(probe, where + " is missing");
        assertNotNull(probe.getHttpGet(), where + " must be an HTTP GET of " + path);
        assertEquals(path, probe.getHttpGet().getPath(), where + " path");
        assertTrue(ports(container).anyMatch(port -> refersTo(probe.getHttpGet().getPort(), port)
                        && "http".equals(port.getName())),
                where + " must use the container's http port, not " + show(probe.getHttpGet().getPort()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void execProbesKeepPasswordsOffTheirCommandLine(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : render.manifests().workloads()) {
            for (Container container : workload.allContainers()) {
                Stream.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())
                        .filter(probe -> probe != null && probe.getExec() != null)
                        .forEach(probe -> checks.add(() -> {
                            List<String> command = probe.getExec().getCommand();
                            String where = workload + " container " + container.getName() + " probe " + command;
                            assertFalse(command.isEmpty(), where + " has no command");
                            assertTrue(command.stream().noneMatch(arg -> arg.equals("-a") || arg.startsWith("--pass")
                                    || arg.startsWith("--user")), where + " passes credentials as arguments");
                            if (String.join(" ", command).contains("redis")) {
                                assertTrue(fromSecret(container, "REDISCLI_AUTH"), where
                                        + ": redis-cli must find the password in REDISCLI_AUTH, from a Secret");
                            }
                        }));
            }
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void ingressBackendsAreServicePorts(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (Ingress ingress : manifests.all(Ingress.class)) {
            ingress.getSpec().getRules().stream()
                    .flatMap(rule -> rule.getHttp().getPaths().stream())
                    .forEach(path -> checks.add(() -> assertBackend(manifests, describe(ingress), path)));
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void ingressRoutesIncToWebIncAndEverythingElseToWeb(Render render) {
        assertAll(render.manifests().all(Ingress.class).stream().map(ingress -> () -> {
            Map<String, String> routes = new HashMap<>();
            ingress.getSpec().getRules().stream().flatMap(rule -> rule.getHttp().getPaths().stream()).forEach(path -> {
                assertEquals("Prefix", path.getPathType(), describe(ingress) + " path " + path.getPath() + " type");
                routes.put(path.getPath(), path.getBackend().getService().getName());
            });
            assertEquals(Map.of("/inc", "web-inc", "/", "web"), routes, describe(ingress) + " routes");
            assertTrue(ingress.getMetadata().getAnnotations().keySet().stream()
                            .noneMatch(key -> key.contains("rewrite")),
                    describe(ingress) + " must pass paths on unchanged: each WAR serves its own context root");
        }));
    }

    private static void assertBackend(Manifests manifests, String ingress, HTTPIngressPath path) {
        String where = ingress + " path " + path.getPath();
        IngressServiceBackend backend = path.getBackend().getService();
        assertNotNull(backend, where + " has no Service backend");
        Service service = manifests.service(backend.getName())
                .orElseGet(() -> fail(where + " sends to Service " + backend.getName() + ", which does not exist"));
        assertTrue(service.getSpec().getPorts().stream().anyMatch(port -> backend.getPort().getName() != null
                        ? backend.getPort().getName().equals(port.getName())
                        : backend.getPort().getNumber().equals(port.getPort())),
                where + " sends to a port that Service " + backend.getName() + " does not have");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void statefulSetsHaveTheirHeadlessService(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(StatefulSet.class).stream().map(statefulSet -> () -> {
            String where = describe(statefulSet) + " serviceName " + statefulSet.getSpec().getServiceName();
            Service service = manifests.service(statefulSet.getSpec().getServiceName())
                    .orElseGet(() -> fail(where + " does not exist"));
            assertEquals("None", service.getSpec().getClusterIP(), where + " must be headless (clusterIP: None)");
            assertTrue(Labels.matches(service.getSpec().getSelector(),
                    statefulSet.getSpec().getTemplate().getMetadata().getLabels()), where + " must select its pods");
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void autoscalersOwnTheReplicasOfExistingWorkloads(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(HorizontalPodAutoscaler.class).stream().map(autoscaler -> () -> {
            var target = autoscaler.getSpec().getScaleTargetRef();
            String where = describe(autoscaler) + " target " + target.getKind() + " " + target.getName();
            Integer replicas = switch (target.getKind()) {
                case "Deployment" -> manifests.find(Deployment.class, target.getName())
                        .orElseGet(() -> fail(where + " does not exist")).getSpec().getReplicas();
                case "StatefulSet" -> manifests.find(StatefulSet.class, target.getName())
                        .orElseGet(() -> fail(where + " does not exist")).getSpec().getReplicas();
                default -> fail(where + ": only Deployments and StatefulSets are scaled here");
            };
            assertNull(replicas, where + " sets replicas: each apply would reset what the autoscaler chose");
            assertTrue(autoscaler.getSpec().getMinReplicas() <= autoscaler.getSpec().getMaxReplicas(),
                    describe(autoscaler) + " minReplicas is above maxReplicas");
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void disruptionBudgetsCoverOneWorkloadEach(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(PodDisruptionBudget.class).stream().map(budget -> () -> assertEquals(1,
                manifests.selectedBy(Labels.of(budget.getSpec().getSelector(), describe(budget))).size(),
                describe(budget) + " must select the pods of exactly one workload")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void networkPoliciesNameExistingPodsAndPorts(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            String where = describe(policy);
            List<Manifests.Workload> protectedPods =
                    manifests.selectedBy(Labels.of(policy.getSpec().getPodSelector(), where));
            checks.add(() -> assertFalse(protectedPods.isEmpty(), where + " applies to no pods"));
            policy.getSpec().getIngress().forEach(rule -> {
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    checks.add(() -> assertFalse(
                            manifests.selectedBy(Labels.of(peer.getPodSelector(), where + " from")).isEmpty(),
                            where + " lets in pods that do not exist: " + peer.getPodSelector().getMatchLabels()));
                }
                for (NetworkPolicyPort port : rule.getPorts()) {
                    protectedPods.forEach(workload -> checks.add(() -> assertTrue(opens(workload, port.getPort()),
                            where + " opens port " + show(port.getPort()) + ", which " + workload + " does not have")));
                }
                checks.add(() -> assertFalse(rule.getPorts().isEmpty(),
                        where + " must limit each rule to named ports"));
            });
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyConfigMapAndSecretKeyExistsOrIsProvidedByTheOperator(Render render) {
        Manifests manifests = render.manifests();
        OperatorProvided operatorProvided = render.operatorProvided();
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            for (PodConfiguration.Reference reference : PodConfiguration.references(workload)) {
                checks.add(() -> assertResolves(manifests, operatorProvided, reference));
            }
        }
        for (Ingress ingress : manifests.all(Ingress.class)) {
            for (IngressTLS tls : ingress.getSpec().getTls()) {
                checks.add(() -> assertResolves(manifests, operatorProvided, new PodConfiguration.Reference(
                        "Secret", tls.getSecretName(), Optional.empty(), describe(ingress) + " tls")));
            }
        }
        assertAll(checks);
    }

    private static void assertResolves(
            Manifests manifests, OperatorProvided operatorProvided, PodConfiguration.Reference reference) {
        String what = reference.where() + " needs " + reference.kind() + " " + reference.name()
                + reference.key().map(key -> " key " + key).orElse("");
        Optional<Map<String, String>> data = reference.kind().equals("ConfigMap")
                ? manifests.configMap(reference.name()).map(ConfigMap::getData)
                : manifests.secret(reference.name()).map(WiringTest::keysOf);
        if (data.isPresent()) {
            reference.key().ifPresent(key -> assertTrue(data.get().containsKey(key), what + ", which it lacks"));
        } else {
            assertTrue(reference.kind().equals("Secret") && operatorProvided.hasSecret(reference.name()), what
                    + ": the render has no such object, and no " + OperatorProvided.FILE + " declares it");
            reference.key().ifPresent(key -> assertTrue(operatorProvided.secretKeys(reference.name()).contains(key),
                    what + ", which " + OperatorProvided.FILE + " does not declare"));
        }
    }

    private static Map<String, String> keysOf(Secret secret) {
        Map<String, String> keys = new HashMap<>(secret.getData());
        keys.putAll(secret.getStringData());
        return keys;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void redisUrisNameRedisInTheRenderOrOutsideTheCluster(Render render) {
        Manifests manifests = render.manifests();
        OperatorProvided operatorProvided = render.operatorProvided();
        List<Executable> checks = new ArrayList<>();
        for (Deployment deployment : manifests.all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                PodConfiguration.environment(container, manifests, operatorProvided).stream()
                        .filter(variable -> variable.value().filter(value -> value.matches("rediss?://.*")).isPresent())
                        .forEach(variable -> checks.add(() -> assertRedisHost(manifests,
                                describe(deployment) + " " + variable.name(), URI.create(variable.value().get()))));
            }
        }
        assertFalse(checks.isEmpty(), render + ": the services get no Redis URI");
        assertAll(checks);
    }

    /**
     * A one-label host is a Service; "pod.service" is a StatefulSet pod under its headless Service;
     * anything longer is outside the cluster. A cluster-internal FQDN would bake in the namespace.
     */
    private static void assertRedisHost(Manifests manifests, String where, URI uri) {
        String host = uri.getHost();
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        String[] labels = host.split("\\.");
        assertFalse(host.contains(".svc"), where + " = " + uri + " names the namespace (use the short name)");
        if (labels.length == 1) {
            Service service = manifests.service(host)
                    .orElseGet(() -> fail(where + " = " + uri + ": no Service " + host));
            assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port),
                    where + " = " + uri + ": Service " + host + " has no port " + port);
        } else if (labels.length == 2) {
            assertTrue(manifests.all(StatefulSet.class).stream()
                            .anyMatch(statefulSet -> hasPod(statefulSet, labels[0], labels[1], port)),
                    where + " = " + uri + ": no StatefulSet pod " + labels[0] + " under headless Service "
                            + labels[1] + " listens on " + port);
        }
    }

    /** Whether the StatefulSet runs the pod, reachable as pod.headlessService on the port. */
    private static boolean hasPod(StatefulSet statefulSet, String pod, String headlessService, int port) {
        String prefix = statefulSet.getMetadata().getName() + "-";
        int replicas = Optional.ofNullable(statefulSet.getSpec().getReplicas()).orElse(1);
        return statefulSet.getSpec().getServiceName().equals(headlessService)
                && pod.matches(Pattern.quote(prefix) + "\\d+")
                && Integer.parseInt(pod.substring(prefix.length())) < replicas
                && statefulSet.getSpec().getTemplate().getSpec().getContainers().stream()
                        .flatMap(WiringTest::ports).anyMatch(p -> p.getContainerPort() == port);
    }

    private static boolean opens(Manifests.Workload workload, IntOrString port) {
        return workload.allContainers().stream().flatMap(WiringTest::ports).anyMatch(p -> refersTo(port, p));
    }

    private static Stream<ContainerPort> ports(Container container) {
        return container.getPorts().stream();
    }

    private static boolean refersTo(IntOrString reference, ContainerPort port) {
        return reference.getStrVal() != null
                ? reference.getStrVal().equals(port.getName())
                : reference.getIntVal().equals(port.getContainerPort());
    }

    private static boolean fromSecret(Container container, String variable) {
        return container.getEnv().stream().anyMatch(env -> env.getName().equals(variable)
                && env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null);
    }

    private static String show(IntOrString port) {
        return port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
    }
}
