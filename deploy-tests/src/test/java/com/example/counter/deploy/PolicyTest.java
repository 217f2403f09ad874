package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static com.example.counter.deploy.Manifests.selector;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every render must be, whatever it deploys: valid for any namespace, written in current
 * kustomize, secure (the "restricted" Pod Security Standard and more; restricted-v2 on OpenShift),
 * labelled as Kubernetes recommends with stable selectors and the version each workload runs, and
 * able to roll out, drain and stop without losing a request or the ability to write.
 */
class PolicyTest {

    /** Fields that kustomize deprecated; their replacements are labels, patches, replacements and resources. */
    private static final Set<String> DEPRECATED_FIELDS = Set.of(
            "commonLabels", "patchesStrategicMerge", "patchesJson6902", "vars", "bases", "imageTags");
    /** Images that declare no USER, so runAsNonRoot needs an explicit uid: the image's own non-root user. */
    private static final Map<String, Long> IMAGES_WITHOUT_A_USER = Map.of("docker.io/library/redis", 999L);
    /** The volume types that the restricted profile allows. */
    private static final List<Function<Volume, Object>> ALLOWED_VOLUMES = List.of(
            Volume::getConfigMap, Volume::getCsi, Volume::getDownwardAPI, Volume::getEmptyDir,
            Volume::getEphemeral, Volume::getPersistentVolumeClaim, Volume::getProjected, Volume::getSecret);
    /** The longest Open Liberty waits for work in flight to finish once told to stop. */
    private static final long LIBERTY_QUIESCE_SECONDS = 30;

    static Stream<Render> renders() {
        return Render.all();
    }

    static Stream<Render> openShiftRenders() {
        return Render.openShift();
    }

    static Stream<Path> kustomizations() {
        return Stream.of(Repository.KUSTOMIZE, Repository.OPENSHIFT)
                .flatMap(dir -> Repository.filesEndingWith(dir, "kustomization.yaml")).map(Path::getParent);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void rendersObjectsOnceEachAndInNoNamespace(Render render) {
        // manifests() fails on any kustomize or Template error, unknown kind, unknown field or wrong type.
        List<HasMetadata> objects = render.manifests().all();
        assertFalse(objects.isEmpty(), render + " renders nothing");
        List<String> ids = objects.stream().map(Manifests::describe).toList();
        assertEquals(ids.stream().distinct().toList(), ids, "duplicate objects");
        assertAll(objects.stream().map(object -> () -> assertNull(object.getMetadata().getNamespace(), describe(object)
                + " is pinned to a namespace: `kubectl apply -k -n <namespace>` must choose it")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void usesCurrentKustomizeOnly(Path dir) {
        JsonNode kustomization = Render.Combination.kustomization(dir);
        String where = Repository.relative(dir.resolve("kustomization.yaml"));
        boolean component = kustomization.path("kind").asText().equals("Component");
        assertAll(
                () -> assertEquals(component ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1",
                        kustomization.path("apiVersion").asText(), where + " apiVersion"),
                () -> assertTrue(DEPRECATED_FIELDS.stream().noneMatch(kustomization::has),
                        where + " uses a deprecated field, one of " + DEPRECATED_FIELDS),
                () -> assertFalse(kustomization.has("namespace"),
                        where + " sets a namespace: the operator chooses it with `kubectl apply -n`"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void podsMeetTheRestrictedProfileWithAReadOnlyRootAndNoToken(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : render.manifests().workloads()) {
            var pod = workload.pod();
            PodSecurityContext podContext = Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
            checks.add(() -> assertFalse(Stream.of(pod.getHostNetwork(), pod.getHostPID(), pod.getHostIPC())
                    .anyMatch(Boolean.TRUE::equals), workload + " shares a host namespace"));
            checks.add(() -> assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(),
                    workload + " must set automountServiceAccountToken: false: nothing in it calls the API"));
            pod.getVolumes().forEach(volume -> checks.add(() -> assertTrue(
                    ALLOWED_VOLUMES.stream().anyMatch(type -> type.apply(volume) != null),
                    workload + " volume " + volume.getName() + " is of a type the restricted profile forbids")));
            for (Container container : workload.allContainers()) {
                String where = workload + " container " + container.getName();
                SecurityContext context = Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
                checks.add(() -> assertEquals(Boolean.TRUE, Optional.ofNullable(context.getRunAsNonRoot())
                        .orElse(podContext.getRunAsNonRoot()), where + " must set runAsNonRoot: true"));
                checks.add(() -> assertEquals("RuntimeDefault", Optional.ofNullable(context.getSeccompProfile())
                        .or(() -> Optional.ofNullable(podContext.getSeccompProfile()))
                        .map(SeccompProfile::getType).orElse(null), where + " seccompProfile"));
                checks.add(() -> assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(),
                        where + " must set allowPrivilegeEscalation: false"));
                checks.add(() -> assertFalse(Boolean.TRUE.equals(context.getPrivileged()), where + " is privileged"));
                checks.add(() -> assertTrue(context.getCapabilities() != null
                        && context.getCapabilities().getDrop().contains("ALL")
                        && context.getCapabilities().getAdd().isEmpty(), where + " must drop ALL capabilities, add none"));
                checks.add(() -> assertTrue(container.getPorts().stream().allMatch(port -> port.getHostPort() == null),
                        where + " uses a host port"));
                checks.add(() -> assertEquals(Boolean.TRUE, context.getReadOnlyRootFilesystem(),
                        where + " must set readOnlyRootFilesystem: true (and mount an emptyDir where it writes)"));
            }
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void containersLeaveTheUidToThePlatformRequestAndLimitResourcesAndPinTheirImage(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : render.manifests().workloads()) {
            Long podUid = Optional.ofNullable(workload.pod().getSecurityContext()).map(PodSecurityContext::getRunAsUser)
                    .orElse(null);
            for (Container container : workload.allContainers()) {
                String image = workload.image(container);
                String where = workload + " container " + container.getName() + " (" + image + ")";
                Long uid = Optional.ofNullable(container.getSecurityContext()).map(SecurityContext::getRunAsUser)
                        .orElse(podUid);
                Long allowed = IMAGES_WITHOUT_A_USER.get(Manifests.repository(image));
                checks.add(() -> assertEquals(allowed, uid, allowed == null
                        ? where + " must not fix runAsUser: the image's user runs it, or the uid OpenShift assigns"
                        : where + " declares no USER, so it must run as its own non-root user " + allowed));
                checks.add(() -> assertTrue(Manifests.isPinned(image), where + " must name a tag (not latest) or digest"));
                for (String resource : List.of("cpu", "memory")) {
                    checks.add(() -> {
                        var request = container.getResources().getRequests().get(resource);
                        var limit = container.getResources().getLimits().get(resource);
                        assertNotNull(request, where + " requests no " + resource);
                        assertNotNull(limit, where + " has no " + resource + " limit");
                        assertTrue(request.getNumericalAmount().compareTo(limit.getNumericalAmount()) <= 0,
                                where + " requests more " + resource + " than its limit");
                    });
                }
            }
        }
        assertAll(checks);
    }

    /**
     * restricted-v2 assigns the uid from the project's range, group 0, an fsGroup and an SELinux
     * level itself, and refuses a pod that asks for others or for privileges. Setting none of them
     * means any project admits the pods, with no SCC to grant.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("openShiftRenders")
    void openShiftPodsLeaveIdsAndPrivilegesToRestrictedV2(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : render.manifests().workloads()) {
            PodSecurityContext pod = Optional.ofNullable(workload.pod().getSecurityContext()).orElseGet(PodSecurityContext::new);
            checks.add(() -> assertEquals(List.of(), Stream.of(pod.getRunAsUser() == null ? null : "runAsUser",
                    pod.getRunAsGroup() == null ? null : "runAsGroup", pod.getFsGroup() == null ? null : "fsGroup",
                    pod.getSeLinuxOptions() == null ? null : "seLinuxOptions").filter(Objects::nonNull).toList(),
                    workload + " pod securityContext sets what restricted-v2 assigns"));
            for (Container container : workload.allContainers()) {
                SecurityContext context = Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
                checks.add(() -> assertEquals(List.of(), Stream.of(context.getRunAsUser() == null ? null : "runAsUser",
                        context.getRunAsGroup() == null ? null : "runAsGroup",
                        context.getSeLinuxOptions() == null ? null : "seLinuxOptions").filter(Objects::nonNull).toList(),
                        workload + " container " + container.getName() + " securityContext"));
            }
        }
        assertFalse(checks.isEmpty(), render + " has no workloads");
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyObjectCarriesTheRecommendedLabelsOfOneInstance(Render render) {
        List<HasMetadata> objects = render.manifests().all();
        Stream<Executable> each = objects.stream().map(object -> () -> assertTrue(Manifests.ON_EVERY_OBJECT.stream()
                .allMatch(key -> !object.getMetadata().getLabels().getOrDefault(key, "").isBlank()), describe(object)
                + " must carry " + Manifests.ON_EVERY_OBJECT + ", has " + object.getMetadata().getLabels().keySet()));
        Stream<Executable> same = Stream.of(Manifests.INSTANCE, Manifests.PART_OF).map(key -> () -> assertEquals(1,
                objects.stream().map(o -> o.getMetadata().getLabels().get(key)).collect(Collectors.toSet()).size(),
                "every object must have the same " + key));
        assertAll(Stream.concat(each, same));
    }

    /**
     * A service carries the release version, the pom's project version, and runs its image by that
     * tag or by a digest; a canary, the candidate release its image is tagged with; Redis, the tag
     * of the Redis image it runs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void workloadsAndPodsCarryTheVersionTheyRun(Render render) {
        String release = Repository.pom("/project/version");
        assertAll(render.manifests().workloads().stream().map(workload -> () -> {
            String image = workload.image(workload.pod().getContainers().get(0));
            boolean canary = "canary".equals(workload.podLabels().get(Manifests.COMPONENT));
            boolean service = workload.owner() instanceof Deployment && !canary;
            // A canary on OpenShift follows an imported tag: its version is the imported image's tag.
            String versioned = canary ? Manifests.importedImage(render.manifests(), image).orElse(image) : image;
            String version = service ? release : Manifests.tag(versioned).orElse(versioned);
            assertEquals(version, workload.owner().getMetadata().getLabels().get(Manifests.VERSION),
                    workload + " " + Manifests.VERSION + " (image " + image + ")");
            assertEquals(version, workload.podLabels().get(Manifests.VERSION), workload + " pods' " + Manifests.VERSION);
            if (service) {
                assertTrue(Manifests.tag(image).map(release::equals).orElse(image.contains("@sha256:")),
                        workload + " must run the release " + release + " by its tag or a digest, not " + image);
            }
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void selectorsUseStableLabelsOnly(Render render) {
        Manifests manifests = render.manifests();
        Stream<Map.Entry<String, Map<String, String>>> selectors = Stream.of(
                manifests.workloads().stream().flatMap(w -> Stream.concat(
                        Stream.of(Map.entry(w + " selector", selector(w.selector(), w.toString()))),
                        w.pod().getTopologySpreadConstraints().stream().map(spread -> Map.entry(w + " spread",
                                selector(spread.getLabelSelector(), w.toString()))))),
                manifests.all(Service.class).stream().map(s -> Map.entry(describe(s), s.getSpec().getSelector())),
                manifests.all(PodDisruptionBudget.class).stream().map(b -> Map.entry(describe(b),
                        selector(b.getSpec().getSelector(), describe(b)))),
                manifests.all(NetworkPolicy.class).stream().flatMap(p -> Stream.concat(
                        Stream.of(Map.entry(describe(p), selector(p.getSpec().getPodSelector(), describe(p)))),
                        // Pods of this namespace; a peer in another namespace is picked by its namespace.
                        p.getSpec().getIngress().stream().flatMap(rule -> rule.getFrom().stream())
                                .filter(peer -> peer.getNamespaceSelector() == null).map(peer ->
                                Map.entry(describe(p) + " from", selector(peer.getPodSelector(), describe(p)))))),
                manifests.all(PodMonitor.class).stream().map(m -> Map.entry(describe(m),
                        selector(m.getSpec().getSelector(), describe(m)))))
                .flatMap(s -> s);
        Stream<Executable> workloadsExactlyStable = manifests.workloads().stream().map(w -> () -> assertEquals(
                Manifests.STABLE, selector(w.selector(), w.toString()).keySet(),
                w + " selector: immutable once applied, so exactly the labels that never change"));
        assertAll(Stream.concat(workloadsExactlyStable, selectors.map(entry -> () -> assertTrue(
                Manifests.STABLE.containsAll(entry.getValue().keySet()),
                entry.getKey() + " selects by " + entry.getValue().keySet() + "; use only " + Manifests.STABLE))));
    }

    /**
     * Rollouts keep every pod until its replacement is ready, a stopping service first leaves the
     * Services and then finishes its requests within the grace period, and pods spread over nodes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void rolloutsDrainsAndStopsLoseNoRequest(Render render) {
        Manifests manifests = render.manifests();
        Stream<Executable> spread = manifests.workloads().stream().map(workload -> () -> assertTrue(
                workload.pod().getTopologySpreadConstraints().stream()
                        .anyMatch(s -> s.getTopologyKey().equals("kubernetes.io/hostname"))
                        || workload.pod().getAffinity() != null,
                workload + " must spread its pods over nodes (topology spread or anti-affinity on kubernetes.io/hostname)"));
        Stream<Executable> deployments = manifests.all(Deployment.class).stream().map(deployment -> () -> {
            var strategy = deployment.getSpec().getStrategy();
            assertEquals("RollingUpdate", strategy.getType(), describe(deployment) + " strategy");
            assertEquals(new IntOrString(0), strategy.getRollingUpdate().getMaxUnavailable(),
                    describe(deployment) + " must keep every pod until its replacement is ready (maxUnavailable: 0)");
            var pod = deployment.getSpec().getTemplate().getSpec();
            for (Container container : pod.getContainers()) {
                var preStop = container.getLifecycle() == null ? null : container.getLifecycle().getPreStop();
                assertTrue(preStop != null && preStop.getSleep() != null, describe(deployment) + " needs a preStop"
                        + " sleep, so Services and the way in stop sending requests before the server stops");
                long needed = preStop.getSleep().getSeconds() + LIBERTY_QUIESCE_SECONDS;
                assertTrue(pod.getTerminationGracePeriodSeconds() > needed, describe(deployment)
                        + " terminationGracePeriodSeconds must exceed the preStop pause plus Liberty's quiesce, " + needed);
            }
        });
        assertAll(Stream.concat(spread, deployments));
    }

    /**
     * A master that needs more in-sync replicas than remain while one is down stops taking
     * increments at every rollout and node drain (the disruption budget lets one pod go).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void redisTakesWritesWhileOneReplicaIsDown(Render render) {
        Manifests manifests = render.manifests();
        assertAll(manifests.all(StatefulSet.class).stream().flatMap(statefulSet -> statefulSet.getSpec().getTemplate()
                .getSpec().getContainers().stream().flatMap(container -> manifests.environment(container,
                        render.operatorProvided()).stream())
                .filter(variable -> variable.name().equals("REDIS_MIN_REPLICAS_TO_WRITE"))
                .map(variable -> () -> {
                    int replicas = Optional.ofNullable(statefulSet.getSpec().getReplicas()).orElse(1) - 1;
                    int needed = Integer.parseInt(variable.value().orElseThrow());
                    assertTrue(needed == 0 || needed <= replicas - 1, describe(statefulSet) + " has " + replicas
                            + " replicas and its master needs " + needed + " in sync to write: one more replica is"
                            + " needed for writes to go on while one is down");
                })));
    }
}
