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
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * components/sentinel, in every render that has it (prod and openshift/ list it, the Template is
 * openshift/'s, and every other overlay is rendered with it too, renamed ones as well): each check
 * is something that would break failover, or the data, in a cluster. The sentinels can see and
 * reach each other and their Redis, web-inc asks exactly the sentinels that exist for the master
 * they know, a failover needs a majority that one lost pod leaves, an old master is fenced before
 * a new one is promoted, a pod can start whatever its ordinal, and what the sentinels agreed on
 * survives a restart.
 */
class SentinelTest {

    static final Path COMPONENT = Repository.KUSTOMIZE.resolve("components/sentinel");
    static final Path START_SCRIPT = COMPONENT.resolve("sentinel-start.sh");
    static final String NODES = "COUNTER_REDIS_SENTINEL_NODES";
    static final String MASTER_NAME = "COUNTER_REDIS_SENTINEL_MASTER_NAME";
    static final String SENTINEL_PORT = "sentinel";
    static final String REDIS_PORT = "redis";

    static Stream<Render> renders() {
        return Render.all();
    }

    /** The renders with Sentinel, and prod and openshift/ renamed as a second instance. */
    static Stream<Render> withSentinel() {
        Map<String, Object> renamed = Map.of("namePrefix", "blue-", "labels", List.of(Map.of(
                "pairs", Map.of(Manifests.INSTANCE, "blue"), "includeSelectors", true)));
        return Stream.concat(Render.all(), Stream.of(
                        new Render.Combination(Render.OVERLAYS.resolve("prod"), List.of(), renamed),
                        new Render.Combination(Repository.OPENSHIFT, List.of(), renamed)))
                .filter(render -> !sentinels(render.manifests()).isEmpty());
    }

    /** Whether the render uses the component: its overlay, what that builds on, or its extra components. */
    static boolean listsTheComponent(Render render) {
        return render instanceof Render.Combination combination ? combination.components().contains(COMPONENT)
                : Render.Combination.componentsOf(Repository.OPENSHIFT.resolve("base")).contains(COMPONENT);
    }

    /** The Redis pods with a sentinel beside their Redis. */
    static List<RedisPods> sentinels(Manifests manifests) {
        return manifests.all(StatefulSet.class).stream().flatMap(statefulSet -> {
            List<Container> containers = statefulSet.getSpec().getTemplate().getSpec().getContainers();
            Optional<Container> redis = containers.stream().filter(RedisPod::runsTheStartScript).findFirst();
            Optional<Container> sentinel = containers.stream().filter(SentinelTest::runsSentinel).findFirst();
            return redis.isPresent() && sentinel.isPresent()
                    ? Stream.of(new RedisPods(statefulSet, redis.get(), sentinel.get())) : Stream.empty();
        }).toList();
    }

    static boolean runsSentinel(Container container) {
        return container.getCommand().stream().anyMatch(word -> word.endsWith("/sentinel-start.sh"));
    }

    /** A StatefulSet of Redis pods, its redis container and the sentinel beside it. */
    record RedisPods(StatefulSet statefulSet, Container redis, Container sentinel) {

        int replicas() {
            return Optional.ofNullable(statefulSet.getSpec().getReplicas()).orElse(1);
        }

        Manifests.Workload workload(Manifests manifests) {
            return manifests.workloads().stream().filter(w -> w.owner() == statefulSet).findFirst().orElseThrow();
        }

        int port(Container container, String name) {
            return container.getPorts().stream().filter(port -> name.equals(port.getName())).findFirst()
                    .map(ContainerPort::getContainerPort)
                    .orElseGet(() -> fail(describe(statefulSet) + " container " + container.getName() + " has no port "
                            + name));
        }

        @Override
        public String toString() {
            return describe(statefulSet);
        }
    }

    /**
     * Sentinel is where an overlay lists it (prod, openshift/ and its Template), and nowhere else:
     * dev keeps the fixed master and its ordered start. web-inc asks sentinels exactly where there
     * are sentinels: with components/external-redis they go with the rest of the in-cluster Redis,
     * and a web-inc still asking them would answer 503 to every increment.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void sentinelsRunExactlyWhereAnOverlayListsThemAndWebIncAsksThemExactlyThere(Render render) {
        Manifests manifests = render.manifests();
        boolean inCluster = !manifests.all(StatefulSet.class).isEmpty();
        boolean sentinels = !sentinels(manifests).isEmpty();
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(listsTheComponent(render) && inCluster, sentinels, render + ": Redis pods with"
                + " a sentinel beside their Redis"));
        manifests.all(StatefulSet.class).forEach(statefulSet -> checks.add(() -> assertEquals(
                sentinels ? "Parallel" : null, statefulSet.getSpec().getPodManagementPolicy(),
                describe(statefulSet) + " podManagementPolicy: with Sentinel, a pod's role does not follow its ordinal"
                        + " and every pod must start without waiting for redis-0 to be ready; without, the base's"
                        + " ordered start")));
        for (Deployment deployment : manifests.all(Deployment.class)) {
            Set<String> names = manifests.environment(deployment.getSpec().getTemplate().getSpec().getContainers().get(0),
                    render.operatorProvided()).stream().map(Manifests.Variable::name).collect(Collectors.toSet());
            boolean writes = "web-inc".equals(deployment.getSpec().getTemplate().getMetadata().getLabels()
                    .get(Manifests.NAME));
            checks.add(() -> assertEquals(sentinels && writes ? Set.of(MASTER_NAME, NODES) : Set.of(),
                    names.stream().filter(name -> name.startsWith("COUNTER_REDIS_SENTINEL_")).collect(Collectors.toSet()),
                    describe(deployment) + " Sentinel settings"));
        }
        assertAll(checks);
    }

    @Test
    void prodAndOpenShiftFailOverAndDevKeepsItsFixedMaster() {
        assertAll(
                () -> assertFalse(sentinels(Render.Combination.overlay("prod").manifests()).isEmpty(), "prod"),
                () -> assertFalse(sentinels(Render.Combination.openShift().manifests()).isEmpty(), "openshift/"),
                () -> assertFalse(sentinels(ProcessedTemplate.withSampleValues().manifests()).isEmpty(),
                        "the OpenShift Template"),
                () -> assertTrue(sentinels(Render.Combination.overlay("dev").manifests()).isEmpty(), "dev"));
    }

    /**
     * web-inc asks every sentinel, and only sentinels that exist: each pod of the StatefulSet
     * (renamed with it) by its stable name under the headless Service, on the sentinels' port. A
     * missing one is a sentinel it cannot hear a failover from; one too many, a name that never
     * resolves. It asks for the master by the name the sentinels know it by, and waits for a
     * replica to have each increment (WAIT 1), so a promoted replica has it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("withSentinel")
    void webIncAsksEverySentinelForTheMasterTheyKnow(Render render) {
        Manifests manifests = render.manifests();
        RedisPods pods = onlySentinels(render);
        String statefulSet = pods.statefulSet().getMetadata().getName();
        String headless = pods.statefulSet().getSpec().getServiceName();
        int port = pods.port(pods.sentinel(), SENTINEL_PORT);
        Set<String> expected = IntStream.range(0, pods.replicas())
                .mapToObj(i -> statefulSet + "-" + i + "." + headless + ":" + port).collect(Collectors.toSet());
        String masterName = variable(manifests, render, pods.sentinel(), "REDIS_SENTINEL_MASTER_NAME");
        List<Deployment> webInc = manifests.all(Deployment.class).stream().filter(d -> "web-inc".equals(
                d.getSpec().getTemplate().getMetadata().getLabels().get(Manifests.NAME))).toList();
        assertFalse(webInc.isEmpty(), render + " has no web-inc");
        List<Executable> checks = new ArrayList<>();
        for (Deployment deployment : webInc) {
            Container liberty = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            String where = describe(deployment);
            checks.add(() -> {
                String nodes = variable(manifests, render, liberty, NODES);
                List<String> listed = List.of(nodes.split(","));
                assertEquals(expected, new TreeSet<>(listed), where + " " + NODES + " = " + nodes
                        + " must name each pod of " + pods + " under Service " + headless + " on port " + port);
                assertEquals(listed.size(), new TreeSet<>(listed).size(), where + " " + NODES + " names a sentinel twice");
            });
            checks.add(() -> assertEquals(masterName, variable(manifests, render, liberty, MASTER_NAME),
                    where + " must ask for the master by the name the sentinels know it by"));
            checks.add(() -> assertTrue(Integer.parseInt(variable(manifests, render, liberty,
                            "COUNTER_REDIS_WRITE_MIN_REPLICAS")) >= 1,
                    where + " must wait for a replica to have each increment: a promoted replica may lack it otherwise"));
        }
        checks.add(() -> {
            Service service = manifests.service(headless).orElseGet(() -> fail(pods + " serviceName " + headless
                    + " does not exist"));
            assertEquals(Boolean.TRUE, service.getSpec().getPublishNotReadyAddresses(), describe(service)
                    + " must publish not-ready pods: a starting sentinel or replica resolves the others' names before"
                    + " they are ready");
            assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port),
                    describe(service) + " must name the sentinels' port " + port);
        });
        assertAll(checks);
    }

    /**
     * The sentinels listen where everyone looks for them: the port the container declares (which
     * the NetworkPolicy opens and web-inc names) is the one sentinel-start.sh listens on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("withSentinel")
    void sentinelsListenOnThePortTheyDeclare(Render render) {
        RedisPods pods = onlySentinels(render);
        String listens = environment(render, pods.sentinel()).getOrDefault("REDIS_SENTINEL_PORT",
                scriptDefault("REDIS_SENTINEL_PORT"));
        assertEquals(String.valueOf(pods.port(pods.sentinel(), SENTINEL_PORT)), listens,
                pods + " sentinel: the port named " + SENTINEL_PORT + " must be where sentinel-start.sh listens");
    }

    /**
     * A failover needs a quorum of sentinels to find the master down and a majority of all of them
     * to elect the one that promotes; the master's pod is lost with its sentinel. And fencing: a
     * master cut off from its replicas must refuse writes (min-replicas-max-lag, in seconds) before
     * the sentinels give up on it (down-after-milliseconds), or it takes increments that the
     * failover throws away. Each container of the pod reads the same settings.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("withSentinel")
    void oneLostPodLeavesAMajorityAndAnOldMasterIsFencedBeforeANewOneIsPromoted(Render render) {
        RedisPods pods = onlySentinels(render);
        Map<String, String> redis = environment(render, pods.redis());
        Map<String, String> sentinel = environment(render, pods.sentinel());
        int replicas = pods.replicas();
        int quorum = Integer.parseInt(setting(sentinel, "REDIS_SENTINEL_QUORUM", pods));
        int left = replicas - 1;
        int majority = replicas / 2 + 1;
        assertAll(
                () -> assertTrue(left >= quorum && left >= majority, pods + " runs " + replicas + " sentinels: with"
                        + " one pod lost, " + left + " remain, and a failover needs a quorum of " + quorum
                        + " and a majority of " + majority),
                () -> assertTrue(quorum >= majority, pods + " quorum " + quorum + ": fewer than a majority of the "
                        + replicas + " sentinels could find a master down that the others still reach"),
                () -> assertTrue(Integer.parseInt(setting(redis, "REDIS_MIN_REPLICAS_TO_WRITE", pods)) >= 1,
                        pods + ": every Redis must refuse writes while no replica answers it (fencing)"),
                // Redis counts a replica's lag in whole seconds and refreshes the count once a
                // second: a master may take writes up to max-lag + 2 s after its replicas' last ack.
                () -> assertTrue((Long.parseLong(setting(redis, "REDIS_MIN_REPLICAS_MAX_LAG", pods)) + 2) * 1000
                                <= Long.parseLong(setting(sentinel, "REDIS_SENTINEL_DOWN_AFTER_MS", pods)),
                        pods + ": REDIS_MIN_REPLICAS_MAX_LAG (s) plus 2 s must not exceed REDIS_SENTINEL_DOWN_AFTER_MS"
                                + " (ms), so an old master refuses writes before a replica is promoted"),
                () -> assertEquals(setting(sentinel, "REDIS_SENTINEL_MASTER_NAME", pods),
                        setting(redis, "REDIS_SENTINEL_MASTER_NAME", pods), pods + ": redis-start.sh must take the"
                                + " pod's role from the sentinels, asking for the master they watch"),
                () -> assertEquals(redis.get("REDIS_MIN_REPLICAS_MAX_LAG"), sentinel.get("REDIS_MIN_REPLICAS_MAX_LAG"),
                        pods + ": sentinel-start.sh checks the fencing against the lag Redis runs with"));
    }

    /**
     * The sentinel runs the Redis image its Redis runs (one version, one update; on OpenShift the
     * same ImageStreamTag), as the same user, so it can write to the pod's volume; and it keeps its
     * configuration there, where Sentinel records the epochs and the master it agreed on: on a
     * container's filesystem a restart would forget them.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("withSentinel")
    void theSentinelRunsItsRedisImageAsItsUserAndKeepsItsConfigurationOnThePodsVolume(Render render) {
        RedisPods pods = onlySentinels(render);
        Manifests.Workload workload = pods.workload(render.manifests());
        String conf = environment(render, pods.sentinel()).getOrDefault("SENTINEL_CONF_FILE",
                scriptDefault("SENTINEL_CONF_FILE"));
        Set<String> claims = pods.statefulSet().getSpec().getVolumeClaimTemplates().stream()
                .map(claim -> claim.getMetadata().getName()).collect(Collectors.toSet());
        assertAll(
                () -> assertEquals(workload.image(pods.redis()), workload.image(pods.sentinel()),
                        pods + ": the sentinel must run the image its Redis runs"),
                () -> assertEquals(pods.redis().getSecurityContext(), pods.sentinel().getSecurityContext(),
                        pods + ": the sentinel must run as its Redis does"),
                () -> assertTrue(pods.sentinel().getVolumeMounts().stream().anyMatch(mount -> claims.contains(
                                mount.getName()) && !Boolean.TRUE.equals(mount.getReadOnly()) && conf.startsWith(
                                mount.getMountPath().replaceFirst("/?$", "/"))),
                        pods + " sentinel: its configuration " + conf + " must be on a writable mount of the pod's"
                                + " volume " + claims + ", not " + pods.sentinel().getVolumeMounts().stream()
                                .map(VolumeMount::getMountPath).toList()));
    }

    /**
     * The sentinel starts from the scripts volume, as Redis does, and is probed by redis-probe.sh's
     * sentinel mode (restarted when it stops answering). It decides no readiness: the pod's is its
     * Redis's, which puts it in the read Service or not.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("withSentinel")
    void theSentinelStartsFromTheScriptsAndIsRestartedButNeverMadeUnready(Render render) {
        Manifests manifests = render.manifests();
        RedisPods pods = onlySentinels(render);
        Container sentinel = pods.sentinel();
        List<String> probe = List.of("/opt/counter/redis-probe.sh", "sentinel");
        List<Executable> checks = new ArrayList<>();
        for (Probe p : new Probe[] {sentinel.getStartupProbe(), sentinel.getLivenessProbe()}) {
            checks.add(() -> assertEquals(probe, Optional.ofNullable(p).map(x -> x.getExec().getCommand()).orElse(null),
                    pods + " sentinel startup and liveness probes"));
        }
        checks.add(() -> assertNull(sentinel.getReadinessProbe(), pods + " sentinel must not decide whether the pod,"
                + " and so its Redis, is ready"));
        for (String file : List.of(sentinel.getCommand().get(0), probe.get(0))) {
            checks.add(() -> {
                VolumeMount mount = sentinel.getVolumeMounts().stream()
                        .filter(m -> file.startsWith(m.getMountPath() + "/")).findFirst()
                        .orElseGet(() -> fail(pods + " sentinel runs " + file + ", which no volume mount holds"));
                String configMap = pods.statefulSet().getSpec().getTemplate().getSpec().getVolumes().stream()
                        .filter(v -> v.getName().equals(mount.getName()) && v.getConfigMap() != null).findFirst()
                        .map(v -> v.getConfigMap().getName())
                        .orElseGet(() -> fail(pods + " sentinel runs " + file + " from " + mount.getName()
                                + ", which is no ConfigMap"));
                assertTrue(manifests.configMap(configMap).map(ConfigMap::getData).orElse(Map.of())
                                .containsKey(file.substring(mount.getMountPath().length() + 1)),
                        pods + " sentinel runs " + file + ", which ConfigMap " + configMap + " lacks");
            });
        }
        assertAll(checks);
    }

    /**
     * The NetworkPolicies let the sentinels reach each other and their Redis, and web-inc (its
     * canary too) reach the sentinels; no other pod of the render reaches a sentinel. The Redis
     * port stays open to the services.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("withSentinel")
    void theSentinelPortIsOpenToTheRedisPodsAndWebIncOnly(Render render) {
        Manifests manifests = render.manifests();
        RedisPods pods = onlySentinels(render);
        Manifests.Workload redis = pods.workload(manifests);
        List<Executable> checks = new ArrayList<>();
        for (Manifests.Workload from : manifests.workloads()) {
            String name = from.podLabels().get(Manifests.NAME);
            boolean mayAsk = from.equals(redis) || "web-inc".equals(name);
            checks.add(() -> assertEquals(mayAsk, manifests.mayReach(from, redis, SENTINEL_PORT),
                    from + (mayAsk ? " must" : " must not") + " reach the sentinels of " + redis + " (port "
                            + SENTINEL_PORT + ")"));
            if (from.equals(redis) || name.equals("web") || name.equals("web-inc")) {
                checks.add(() -> assertTrue(manifests.mayReach(from, redis, REDIS_PORT),
                        from + " must reach Redis in " + redis + " (port " + REDIS_PORT + ")"));
            }
        }
        assertAll(checks);
    }

    /** The one StatefulSet of Redis with sentinels; these renders have exactly one. */
    private static RedisPods onlySentinels(Render render) {
        List<RedisPods> all = sentinels(render.manifests());
        assertEquals(1, all.size(), render + ": one StatefulSet of Redis pods with sentinels");
        return all.get(0);
    }

    private static Map<String, String> environment(Render render, Container container) {
        return render.manifests().environment(container, render.operatorProvided()).stream()
                .filter(variable -> variable.value().isPresent())
                .collect(Collectors.toMap(Manifests.Variable::name, variable -> variable.value().get()));
    }

    private static String variable(Manifests manifests, Render render, Container container, String name) {
        return manifests.environment(container, render.operatorProvided()).stream()
                .filter(variable -> variable.name().equals(name)).findFirst().flatMap(Manifests.Variable::value)
                .orElseGet(() -> fail("container " + container.getName() + " gets no " + name));
    }

    private static String setting(Map<String, String> environment, String name, RedisPods pods) {
        return Optional.ofNullable(environment.get(name)).orElseGet(() -> fail(pods + " gets no " + name));
    }

    /** The default sentinel-start.sh gives the variable: ${NAME:-default}. */
    static String scriptDefault(String variable) {
        Matcher match = Pattern.compile("\\$\\{" + variable + ":-([^}]*)}").matcher(Repository.read(START_SCRIPT));
        return match.find() ? match.group(1) : fail(Repository.relative(START_SCRIPT) + " has no default for " + variable);
    }
}
