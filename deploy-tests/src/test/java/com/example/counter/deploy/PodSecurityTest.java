package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pod meets the "restricted" Pod Security Standard, and more: a read-only root filesystem,
 * no API token, requests and limits, pinned images, and no fixed uid (OpenShift assigns one). On
 * OpenShift, the default restricted-v2 SCC admits every pod: no uid, group or privilege is asked.
 */
class PodSecurityTest {

    /**
     * Images that declare no USER, so runAsNonRoot needs an explicit uid: the image's own non-root
     * user. Every other container leaves the uid to the platform.
     */
    private static final Map<String, Long> IMAGES_WITHOUT_A_USER = Map.of("docker.io/library/redis", 999L);

    /** The volume types that the restricted profile allows. */
    private static final List<Function<Volume, Object>> ALLOWED_VOLUMES = List.of(
            Volume::getConfigMap, Volume::getCsi, Volume::getDownwardAPI, Volume::getEmptyDir,
            Volume::getEphemeral, Volume::getPersistentVolumeClaim, Volume::getProjected, Volume::getSecret);

    static Stream<Render> renders() {
        return Render.all();
    }

    static Stream<Render> openShiftRenders() {
        return Render.all().filter(Render::forOpenShift);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void podsMeetTheRestrictedProfile(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : render.manifests().workloads()) {
            var pod = workload.pod();
            PodSecurityContext podContext =
                    Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
            checks.add(() -> assertFalse(Stream.of(pod.getHostNetwork(), pod.getHostPID(), pod.getHostIPC())
                    .anyMatch(Boolean.TRUE::equals), workload + " shares a host namespace"));
            pod.getVolumes().forEach(volume -> checks.add(() -> assertTrue(
                    ALLOWED_VOLUMES.stream().anyMatch(type -> type.apply(volume) != null),
                    workload + " volume " + volume.getName() + " is of a type the restricted profile forbids")));
            for (Container container : workload.allContainers()) {
                String where = workload + " container " + container.getName();
                SecurityContext context =
                        Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
                checks.add(() -> assertEquals(Boolean.TRUE, Optional.ofNullable(context.getRunAsNonRoot())
                        .orElse(podContext.getRunAsNonRoot()), where + " must set runAsNonRoot: true"));
                checks.add(() -> assertEquals("RuntimeDefault", Optional.ofNullable(context.getSeccompProfile())
                        .or(() -> Optional.ofNullable(podContext.getSeccompProfile()))
                        .map(SeccompProfile::getType).orElse(null), where + " seccompProfile"));
                checks.add(() -> assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(),
                        where + " must set allowPrivilegeEscalation: false"));
                checks.add(() -> assertNotEquals(Boolean.TRUE, context.getPrivileged(), where + " is privileged"));
                checks.add(() -> assertTrue(context.getCapabilities() != null
                                && context.getCapabilities().getDrop().contains("ALL")
                                && context.getCapabilities().getAdd().isEmpty(),
                        where + " must drop ALL capabilities and add none"));
                checks.add(() -> assertTrue(container.getPorts().stream().allMatch(port -> port.getHostPort() == null),
                        where + " uses a host port"));
            }
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void podsCannotChangeTheirImageNorCallTheApi(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : render.manifests().workloads()) {
            checks.add(() -> assertEquals(Boolean.FALSE, workload.pod().getAutomountServiceAccountToken(),
                    workload + " must set automountServiceAccountToken: false: nothing in it calls the API"));
            for (Container container : workload.allContainers()) {
                checks.add(() -> assertEquals(Boolean.TRUE, Optional.ofNullable(container.getSecurityContext())
                                .map(SecurityContext::getReadOnlyRootFilesystem).orElse(null),
                        workload + " container " + container.getName() + " must set readOnlyRootFilesystem: true"
                                + " (and mount an emptyDir where it writes)"));
            }
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void podsLeaveTheUidToThePlatform(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : render.manifests().workloads()) {
            Long podUid = Optional.ofNullable(workload.pod().getSecurityContext())
                    .map(PodSecurityContext::getRunAsUser).orElse(null);
            for (Container container : workload.allContainers()) {
                Long uid = Optional.ofNullable(container.getSecurityContext())
                        .map(SecurityContext::getRunAsUser).orElse(podUid);
                String image = workload.image(container);
                Long allowed = IMAGES_WITHOUT_A_USER.get(Images.repository(image));
                String where = workload + " container " + container.getName() + " (" + image + ")";
                checks.add(() -> assertEquals(allowed, uid, allowed == null
                        ? where + " must not fix runAsUser: the image's user runs it, or the uid OpenShift assigns"
                        : where + " declares no USER, so it must run as its own non-root user " + allowed));
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
            PodSecurityContext pod = Optional.ofNullable(workload.pod().getSecurityContext())
                    .orElseGet(PodSecurityContext::new);
            checks.add(() -> assertEquals(List.of(), Stream.of(
                            pod.getRunAsUser() == null ? null : "runAsUser",
                            pod.getRunAsGroup() == null ? null : "runAsGroup",
                            pod.getFsGroup() == null ? null : "fsGroup",
                            pod.getSeLinuxOptions() == null ? null : "seLinuxOptions")
                    .filter(Objects::nonNull).toList(), workload + " pod securityContext sets what restricted-v2 assigns"));
            for (Container container : workload.allContainers()) {
                SecurityContext context =
                        Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
                checks.add(() -> assertEquals(List.of(), Stream.of(
                                context.getRunAsUser() == null ? null : "runAsUser",
                                context.getRunAsGroup() == null ? null : "runAsGroup",
                                context.getSeLinuxOptions() == null ? null : "seLinuxOptions",
                                Boolean.TRUE.equals(context.getPrivileged()) ? "privileged" : null,
                                Boolean.FALSE.equals(context.getAllowPrivilegeEscalation()) ? null
                                        : "no allowPrivilegeEscalation: false")
                        .filter(Objects::nonNull).toList(),
                        workload + " container " + container.getName() + " securityContext"));
            }
        }
        assertFalse(render.manifests().workloads().isEmpty(), render + " has no workloads");
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void containersRequestAndLimitCpuAndMemory(Render render) {
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload workload : render.manifests().workloads()) {
            for (Container container : workload.allContainers()) {
                String where = workload + " container " + container.getName();
                var resources = container.getResources();
                checks.add(() -> {
                    assertNotNull(resources, where + " has no resources");
                    for (String resource : List.of("cpu", "memory")) {
                        Quantity request = resources.getRequests().get(resource);
                        Quantity limit = resources.getLimits().get(resource);
                        assertNotNull(request, where + " requests no " + resource);
                        assertNotNull(limit, where + " has no " + resource + " limit");
                        assertTrue(request.getNumericalAmount().compareTo(limit.getNumericalAmount()) <= 0,
                                where + " requests more " + resource + " than its limit");
                    }
                });
            }
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void imagesArePinned(Render render) {
        assertAll(render.manifests().workloads().stream()
                .flatMap(workload -> workload.allContainers().stream().map(container -> () -> assertTrue(
                        Images.isPinned(workload.image(container)), workload + " container " + container.getName()
                                + " image " + workload.image(container) + " must name a tag (not latest) or a digest"))));
    }
}
