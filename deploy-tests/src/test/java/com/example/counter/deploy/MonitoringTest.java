package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static com.example.counter.deploy.Manifests.selector;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.example.counter.testsupport.PromQL;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * components/monitoring, in every render that has it (prod and openshift/ list it; every other
 * overlay is rendered with it too): Prometheus scrapes every service pod on its management port
 * and every Redis pod's exporter, and nothing else reaches those ports; the exporter keeps the
 * password off its command line; every alert is actionable and has its runbook; the rules and the
 * dashboard select jobs that exist and read metrics whose names PromQL can be read for (local's
 * MonitoringQueriesIT checks those names against real scrapes); the dashboard loads as it is, and
 * ships as a ConfigMap made from the very file.
 */
class MonitoringTest {

    static final Path COMPONENT = Repository.KUSTOMIZE.resolve("components/monitoring");
    static final Path DASHBOARD = COMPONENT.resolve("counter-dashboard.json");
    static final Path RUNBOOKS = Repository.ROOT.resolve("docs/kubernetes.md");
    /** The section of RUNBOOKS whose ### headings are the alerts' runbooks, one per alert. */
    static final String RUNBOOK_SECTION = "## Alerts and what to do";
    /** Where OpenShift runs the Prometheus that scrapes user projects. */
    static final String OPENSHIFT_USER_WORKLOAD_MONITORING = "openshift-user-workload-monitoring";
    /** The label Kubernetes puts on every namespace (1.21+): the one a namespace can be selected by everywhere. */
    static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";
    /** The exporter's port, which its PodMonitor scrapes; the services' is Manifests.MANAGEMENT_PORT. */
    static final String EXPORTER_PORT = "metrics";
    /** redis_exporter's listen port when REDIS_EXPORTER_WEB_LISTEN_ADDRESS does not say another. */
    static final int EXPORTER_DEFAULT_PORT = 9121;
    static final Set<String> SEVERITIES = Set.of("critical", "warning");
    /** Grafana's own variables, which a dashboard may use without declaring them. */
    static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__interval", "__range");
    private static final Pattern JOB_MATCHER = Pattern.compile("\\bjob\\s*(=~|=)\\s*\"([^\"]*)\"");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{?([A-Za-z0-9_]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Render> renders() {
        return Render.all();
    }

    static Stream<Render> monitored() {
        return Render.all().filter(MonitoringTest::listsTheComponent);
    }

    /**
     * Whether the render uses components/monitoring: its overlay (or what that builds on, as
     * openshift/ on openshift/base) or its extra components list it. The Template is openshift/base's.
     */
    static boolean listsTheComponent(Render render) {
        return render instanceof Render.Combination combination ? combination.components().contains(COMPONENT)
                : Render.Combination.componentsOf(Repository.OPENSHIFT.resolve("base")).contains(COMPONENT);
    }

    /** One render with the component, for what does not differ between renders. */
    static Manifests withMonitoring() {
        return Render.Combination.overlay("prod").manifests();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void monitoringIsThereWhereAnOverlayListsIt(Render render) {
        Manifests manifests = render.manifests();
        boolean listed = listsTheComponent(render);
        assertAll(
                () -> assertEquals(listed, !manifests.all(PodMonitor.class).isEmpty(), render + " PodMonitors"),
                () -> assertEquals(listed, manifests.find(PrometheusRule.class, "counter").isPresent(),
                        render + " PrometheusRule counter"),
                () -> assertEquals(listed, manifests.find(NetworkPolicy.class, "monitoring").isPresent(),
                        render + " NetworkPolicy monitoring"));
    }

    @Test
    void prodAndOpenShiftAreMonitored() {
        assertAll(Stream.of(Render.Combination.overlay("prod"), Render.Combination.openShift(),
                ProcessedTemplate.withSampleValues()).map(render -> () -> assertTrue(listsTheComponent(render)
                && !render.manifests().all(PodMonitor.class).isEmpty(), render + " must list components/monitoring")));
    }

    /**
     * Each PodMonitor scrapes /metrics on a port that every pod it selects opens and that no Service
     * exposes; every service pod is scraped on its management port, every Redis exporter on its
     * port; the job is the pods' name and the instance comes along, as the rules group by them.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("monitored")
    void prometheusScrapesEveryServicePodOnItsManagementPortAndEveryRedisExporter(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (PodMonitor monitor : manifests.all(PodMonitor.class)) {
            String where = describe(monitor);
            List<Manifests.Workload> pods = manifests.selectedBy(selector(monitor.getSpec().getSelector(), where));
            checks.add(() -> assertFalse(pods.isEmpty(), where + " selects no pods"));
            checks.add(() -> assertTrue(monitor.getSpec().getNamespaceSelector() == null
                    || monitor.getSpec().getNamespaceSelector().getMatchNames().isEmpty()
                    && !Boolean.TRUE.equals(monitor.getSpec().getNamespaceSelector().getAny()),
                    where + " must scrape its own namespace only"));
            checks.add(() -> assertEquals(Manifests.NAME, monitor.getSpec().getJobLabel(),
                    where + " jobLabel: the rules and the dashboard select job=\"web\", \"web-inc\", \"redis\""));
            checks.add(() -> assertTrue(monitor.getSpec().getPodTargetLabels().contains(Manifests.INSTANCE),
                    where + " podTargetLabels must carry " + Manifests.INSTANCE + ": the rules group by it"));
            checks.add(() -> assertFalse(monitor.getSpec().getPodMetricsEndpoints().isEmpty(), where + " scrapes nothing"));
            for (PodMetricsEndpoint endpoint : monitor.getSpec().getPodMetricsEndpoints()) {
                checks.add(() -> assertEquals("/metrics", endpoint.getPath(), where + " path"));
                checks.add(() -> assertNotNull(endpoint.getPort(), where + " must name the port it scrapes"));
                pods.forEach(workload -> checks.add(() -> assertTrue(workload.opens(new IntOrString(endpoint.getPort())),
                        where + " scrapes port " + endpoint.getPort() + ", which " + workload + " does not open")));
                checks.add(() -> assertTrue(manifests.all(Service.class).stream().flatMap(s -> s.getSpec().getPorts()
                        .stream()).noneMatch(port -> endpoint.getPort().equals(port.getName())
                        || port.getTargetPort() != null && endpoint.getPort().equals(port.getTargetPort().getStrVal())),
                        where + ": a Service exposes the scraped port " + endpoint.getPort()));
            }
        }
        for (Manifests.Workload workload : manifests.workloads()) {
            for (String port : List.of(Manifests.MANAGEMENT_PORT, EXPORTER_PORT)) {
                if (workload.opens(new IntOrString(port))) {
                    checks.add(() -> assertTrue(scrapes(manifests, workload).contains(port),
                            workload + " opens " + port + ", which no PodMonitor scrapes"));
                }
            }
        }
        checks.add(() -> assertTrue(manifests.workloads().stream().filter(w -> w.owner() instanceof StatefulSet)
                .allMatch(w -> w.opens(new IntOrString(EXPORTER_PORT))), render + ": every Redis pod needs its exporter"));
        assertAll(checks);
    }

    /** The ports of the workload that a PodMonitor scrapes. */
    private static Set<String> scrapes(Manifests manifests, Manifests.Workload workload) {
        return manifests.all(PodMonitor.class).stream()
                .filter(m -> Manifests.matches(m.getSpec().getSelector().getMatchLabels(), workload.podLabels()))
                .flatMap(m -> m.getSpec().getPodMetricsEndpoints().stream()).map(PodMetricsEndpoint::getPort)
                .collect(Collectors.toSet());
    }

    /**
     * The management and exporter ports are let in only from Prometheus's namespace (OpenShift's
     * user-workload monitoring on OpenShift), never from anywhere: wherever a NetworkPolicy rule
     * opens one of them on a pod, its every peer is a namespace by name. Where the component is,
     * every scraped port of every scraped pod is let in that way.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void onlyPrometheusReachesTheManagementAndExporterPorts(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            List<Manifests.Workload> pods = manifests.selectedBy(selector(policy.getSpec().getPodSelector(), describe(policy)));
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                boolean opensPlatformPort = rule.getPorts().stream().anyMatch(port -> pods.stream().anyMatch(workload ->
                        containerPort(workload, port.getPort()).map(ContainerPort::getName)
                                .filter(name -> name.equals(Manifests.MANAGEMENT_PORT) || name.equals(EXPORTER_PORT))
                                .isPresent()));
                if (opensPlatformPort) {
                    checks.add(() -> {
                        assertFalse(rule.getFrom().isEmpty(), describe(policy) + " lets anyone reach the management"
                                + " or exporter port: only Prometheus's namespace may");
                        rule.getFrom().forEach(peer -> assertEquals(Optional.of(prometheusNamespace(render)),
                                namespaceByName(peer), describe(policy) + " lets " + peer + " reach the management or"
                                        + " exporter port: only the namespace " + prometheusNamespace(render) + " may"));
                    });
                }
            }
        }
        if (listsTheComponent(render)) {
            for (Manifests.Workload workload : manifests.workloads()) {
                for (String port : scrapes(manifests, workload)) {
                    checks.add(() -> assertTrue(manifests.all(NetworkPolicy.class).stream()
                            .filter(p -> Manifests.matches(p.getSpec().getPodSelector().getMatchLabels(), workload.podLabels()))
                            .flatMap(p -> p.getSpec().getIngress().stream())
                            .anyMatch(rule -> rule.getPorts().stream().anyMatch(p -> containerPort(workload, p.getPort())
                                    .filter(c -> c.getName().equals(port)).isPresent())
                                    && rule.getFrom().stream().anyMatch(peer -> namespaceByName(peer)
                                            .filter(prometheusNamespace(render)::equals).isPresent())),
                            "no NetworkPolicy lets Prometheus (namespace " + prometheusNamespace(render) + ") scrape "
                                    + workload + " on " + port));
                }
            }
        }
        assertAll(checks);
    }

    /** The namespace Prometheus runs in: OpenShift's user-workload monitoring, or the component's default. */
    private static String prometheusNamespace(Render render) {
        return render.forOpenShift() ? OPENSHIFT_USER_WORKLOAD_MONITORING : "monitoring";
    }

    /** The namespace a peer admits, if it is exactly one namespace by name and any pod in it. */
    private static Optional<String> namespaceByName(NetworkPolicyPeer peer) {
        if (peer.getNamespaceSelector() == null || peer.getPodSelector() != null || peer.getIpBlock() != null
                || !peer.getNamespaceSelector().getMatchExpressions().isEmpty()
                || !peer.getNamespaceSelector().getMatchLabels().keySet().equals(Set.of(NAMESPACE_NAME))) {
            return Optional.empty();
        }
        return Optional.of(peer.getNamespaceSelector().getMatchLabels().get(NAMESPACE_NAME));
    }

    private static Optional<ContainerPort> containerPort(Manifests.Workload workload, IntOrString port) {
        return workload.allContainers().stream().flatMap(c -> c.getPorts().stream())
                .filter(p -> Manifests.refersTo(port, p)).findFirst();
    }

    /**
     * The exporter reads its own pod's Redis (localhost, on the redis container's port) with the
     * password Redis itself uses, from the environment: never on its command line, where anyone
     * who lists the node's processes reads it. And it never decides the pod's readiness, which
     * would take a healthy Redis out of its Service.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("monitored")
    void theRedisExporterReadsItsOwnRedisWithThePasswordFromTheSecretNeverTheCommandLine(Render render) {
        Manifests manifests = render.manifests();
        List<Executable> checks = new ArrayList<>();
        for (StatefulSet statefulSet : manifests.all(StatefulSet.class)) {
            List<Container> containers = statefulSet.getSpec().getTemplate().getSpec().getContainers();
            Container redis = containers.stream().filter(RedisPod::runsTheStartScript).findFirst()
                    .orElseGet(() -> fail(describe(statefulSet) + " runs no redis-start.sh"));
            for (Container exporter : containers.stream().filter(c -> c.getPorts().stream()
                    .anyMatch(p -> EXPORTER_PORT.equals(p.getName()))).toList()) {
                String where = describe(statefulSet) + " container " + exporter.getName();
                Map<String, EnvVar> env = exporter.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
                checks.add(() -> assertEquals(secretOf(redis, "REDISCLI_AUTH"), secretOf(exporter, "REDIS_PASSWORD"),
                        where + " REDIS_PASSWORD must come from the Secret key Redis uses"));
                checks.add(() -> assertTrue(Stream.concat(exporter.getCommand().stream(), exporter.getArgs().stream())
                        .noneMatch(arg -> arg.contains("password") || arg.contains("$(")),
                        where + " passes the password (or a variable) on its command line: "
                                + exporter.getCommand() + " " + exporter.getArgs()));
                checks.add(() -> {
                    URI address = URI.create(Optional.ofNullable(env.get("REDIS_ADDR")).map(EnvVar::getValue)
                            .orElseGet(() -> fail(where + " must name its Redis in REDIS_ADDR")));
                    int redisPort = redis.getPorts().stream().filter(p -> "redis".equals(p.getName())).findFirst()
                            .orElseGet(() -> fail(describe(statefulSet) + " redis has no port named redis")).getContainerPort();
                    assertEquals(List.of("redis", "localhost", redisPort),
                            List.of(address.getScheme(), address.getHost(), address.getPort()),
                            where + " REDIS_ADDR must be its own pod's Redis, redis://localhost:" + redisPort);
                });
                checks.add(() -> {
                    int listens = Optional.ofNullable(env.get("REDIS_EXPORTER_WEB_LISTEN_ADDRESS")).map(EnvVar::getValue)
                            .map(value -> Integer.parseInt(value.substring(value.lastIndexOf(':') + 1)))
                            .orElse(EXPORTER_DEFAULT_PORT);
                    assertEquals(listens, exporter.getPorts().stream().filter(p -> EXPORTER_PORT.equals(p.getName()))
                            .findFirst().orElseThrow().getContainerPort(), where + " port " + EXPORTER_PORT
                            + " must be where the exporter listens");
                });
                checks.add(() -> assertNull(exporter.getReadinessProbe(), where + " must not decide whether Redis is ready"));
                checks.add(() -> assertEquals(redis, containers.get(0), describe(statefulSet) + ": redis must stay the"
                        + " first container, the one kubectl logs and kubectl exec pick"));
            }
        }
        assertAll(checks);
    }

    private static Optional<List<String>> secretOf(Container container, String variable) {
        return container.getEnv().stream().filter(e -> e.getName().equals(variable) && e.getValueFrom() != null
                        && e.getValueFrom().getSecretKeyRef() != null)
                .map(e -> List.of(e.getValueFrom().getSecretKeyRef().getName(), e.getValueFrom().getSecretKeyRef().getKey()))
                .findFirst();
    }

    /** Each alert says how bad it is, what is wrong, and where its runbook is; each runbook has its alert. */
    @Test
    void everyAlertHasASeveritySummaryDescriptionAndItsRunbook() {
        Manifests manifests = withMonitoring();
        String runbooks = runbookBase();
        Set<String> documented = runbookHeadings();
        List<Rule> rules = rules(manifests);
        assertFalse(rules.isEmpty(), "no alert");
        List<Executable> checks = new ArrayList<>();
        for (Rule rule : rules) {
            String where = "alert " + rule.getAlert();
            checks.add(() -> assertNotNull(rule.getAlert(), "a rule without an alert name (recording rules have no"
                    + " place here): " + rule.getExpr()));
            checks.add(() -> assertTrue(SEVERITIES.contains(rule.getLabels().get("severity")),
                    where + " severity must be one of " + SEVERITIES + ", not " + rule.getLabels().get("severity")));
            checks.add(() -> assertNotNull(rule.getFor(), where + " needs a for: a single bad scrape must not page"));
            for (String annotation : List.of("summary", "description")) {
                checks.add(() -> assertFalse(rule.getAnnotations().getOrDefault(annotation, "").isBlank(),
                        where + " has no " + annotation));
            }
            checks.add(() -> assertEquals(runbooks + "#" + rule.getAlert().toLowerCase(Locale.ROOT),
                    rule.getAnnotations().get("runbook_url"), where + " runbook_url"));
            checks.add(() -> assertTrue(documented.contains(rule.getAlert()), where + " has no runbook: "
                    + Repository.relative(RUNBOOKS) + " needs a heading \"### " + rule.getAlert() + "\" under \""
                    + RUNBOOK_SECTION + "\""));
        }
        Set<String> alerts = rules.stream().map(Rule::getAlert).collect(Collectors.toSet());
        checks.add(() -> assertEquals(alerts.size(), rules.size(), "two alerts share a name"));
        documented.forEach(heading -> checks.add(() -> assertTrue(alerts.contains(heading),
                Repository.relative(RUNBOOKS) + " has a runbook for " + heading + ", which is no alert")));
        assertAll(checks);
    }

    /** Where the runbooks are published: the component's setting, an https address of the document. */
    private static String runbookBase() {
        try {
            String base = Render.YAML.readTree(COMPONENT.resolve("runbooks.yaml").toFile()).path("spec").path("runbooks").asText();
            assertTrue(base.startsWith("https://") && base.endsWith("/" + Repository.ROOT.relativize(RUNBOOKS)),
                    "runbooks.yaml must give the https address of " + Repository.relative(RUNBOOKS) + ", not " + base);
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ### headings of the runbook section. */
    private static Set<String> runbookHeadings() {
        String text = Repository.read(RUNBOOKS);
        int start = text.indexOf("\n" + RUNBOOK_SECTION + "\n");
        assertTrue(start >= 0, Repository.relative(RUNBOOKS) + " has no section \"" + RUNBOOK_SECTION + "\"");
        int end = text.indexOf("\n## ", start + 1);
        Set<String> headings = new TreeSet<>();
        Matcher heading = Pattern.compile("\n### (\\S+)\n").matcher(text.substring(start, end < 0 ? text.length() : end));
        while (heading.find()) {
            headings.add(heading.group(1));
        }
        return headings;
    }

    private static List<Rule> rules(Manifests manifests) {
        return manifests.all(PrometheusRule.class).stream().flatMap(r -> r.getSpec().getGroups().stream())
                .flatMap(group -> group.getRules().stream()).toList();
    }

    /**
     * Every alert can be read for the metric names it uses (local's MonitoringQueriesIT checks them
     * against real scrapes), and selects only jobs that the PodMonitors of its render make: a
     * misspelled job would match nothing, and an alert on it never fire.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("monitored")
    void alertsReadMetricsOfJobsThatExist(Render render) {
        Map<String, String> expressions = new LinkedHashMap<>();
        rules(render.manifests()).forEach(rule -> expressions.put("alert " + rule.getAlert(), expression(rule)));
        assertReadMetricsOfJobs(expressions, jobs(render.manifests()));
    }

    /** As the alerts, the dashboard's queries, against every job the component makes (the Redis panels stay empty with a managed Redis). */
    @Test
    void dashboardQueriesReadMetricsOfJobsThatExist() {
        assertReadMetricsOfJobs(dashboardExpressions(), jobs(withMonitoring()));
    }

    /** The jobs that the PodMonitors make: the jobLabel's value on each pod they select. */
    private static Set<String> jobs(Manifests manifests) {
        return manifests.all(PodMonitor.class).stream().flatMap(monitor -> manifests.selectedBy(
                        monitor.getSpec().getSelector().getMatchLabels()).stream()
                .map(workload -> workload.podLabels().get(monitor.getSpec().getJobLabel())))
                .collect(Collectors.toSet());
    }

    private static void assertReadMetricsOfJobs(Map<String, String> expressions, Set<String> jobs) {
        assertFalse(expressions.isEmpty(), "no query");
        assertAll(expressions.entrySet().stream().map(entry -> () -> {
            Set<String> names = assertReadable(entry.getKey(), entry.getValue());
            assertFalse(names.isEmpty(), entry.getKey() + " reads no metric: " + entry.getValue());
            Matcher job = JOB_MATCHER.matcher(entry.getValue());
            while (job.find()) {
                Set<String> named = job.group(1).equals("=") ? Set.of(job.group(2)) : Set.of(job.group(2).split("\\|"));
                assertTrue(jobs.containsAll(named), entry.getKey() + " selects job " + job.group() + ", but the jobs"
                        + " here are " + jobs);
            }
        }));
    }

    private static Set<String> assertReadable(String where, String expression) {
        try {
            return PromQL.metricNames(expression);
        } catch (IllegalArgumentException e) {
            return fail(where + " is not readable PromQL: " + e.getMessage());
        }
    }

    private static String expression(Rule rule) {
        IntOrString expr = rule.getExpr();
        return expr.getStrVal() != null ? expr.getStrVal() : String.valueOf(expr.getIntVal());
    }

    /**
     * The Redis alerts go with the in-cluster Redis: with components/external-redis they are gone,
     * along with the Redis PodMonitor; what stays reads nothing of the exporter.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("monitored")
    void theRedisAlertsAndScrapesGoWithTheInClusterRedis(Render render) {
        Manifests manifests = render.manifests();
        boolean redis = !manifests.all(StatefulSet.class).isEmpty();
        Set<String> read = rules(manifests).stream().flatMap(rule -> PromQL.metricNames(expression(rule)).stream())
                .collect(Collectors.toSet());
        assertAll(
                () -> assertEquals(redis, read.stream().anyMatch(name -> name.startsWith("redis_")),
                        render + ": the alerts read redis_exporter's metrics exactly where there is an in-cluster Redis"),
                () -> assertEquals(redis, manifests.find(PodMonitor.class, "redis").isPresent(),
                        render + ": PodMonitor redis exactly where there is an in-cluster Redis"),
                () -> assertTrue(manifests.find(PrometheusRule.class, "counter").stream()
                        .flatMap(r -> r.getSpec().getGroups().stream()).flatMap(g -> g.getRules().stream())
                        .flatMap(rule -> PromQL.metricNames(expression(rule)).stream())
                        .noneMatch(name -> name.startsWith("redis_")),
                        "PrometheusRule counter stays with a managed Redis: it must read nothing of the exporter"));
    }

    /**
     * The dashboard loads in Grafana as it is: a uid and a title, a Prometheus data source chosen
     * by the ${datasource} variable that every panel and query uses, every other variable declared,
     * panels that do not overlap on the 24-column grid, and every query readable.
     */
    @Test
    void theDashboardLoadsAsItIs() {
        JsonNode dashboard = dashboard();
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertTrue(dashboard.path("uid").asText().matches("[a-z0-9-]{1,40}"),
                "uid: the dashboard's stable address, up to 40 characters: " + dashboard.path("uid")));
        checks.add(() -> assertFalse(dashboard.path("title").asText().isBlank(), "title"));
        checks.add(() -> assertTrue(dashboard.path("schemaVersion").asInt() > 0, "schemaVersion"));
        checks.add(() -> assertFalse(dashboard.has("__inputs"), "an export for sharing (__inputs) asks for its data"
                + " source on import; this one must load as it is, from a file or the sidecar"));
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        dashboard.path("templating").path("list").forEach(variable -> variables.put(variable.path("name").asText(), variable));
        checks.add(() -> assertEquals(List.of("datasource", "prometheus"), List.of(
                variables.getOrDefault("datasource", JSON.nullNode()).path("type").asText(),
                variables.getOrDefault("datasource", JSON.nullNode()).path("query").asText()),
                "a variable datasource of type datasource that offers the Prometheus data sources"));
        variables.values().stream().filter(v -> v.path("type").asText().equals("query")).forEach(v -> checks.add(() -> {
            assertDataSource("variable " + v.path("name").asText(), v.path("datasource"));
            String query = v.path("query").isTextual() ? v.path("query").asText() : v.path("query").path("query").asText();
            Matcher labelValues = Pattern.compile("^label_values\\((.*),\\s*([A-Za-z_][A-Za-z0-9_]*)\\)$").matcher(query);
            assertTrue(labelValues.matches(), "variable " + v.path("name").asText() + ": label_values(selector, label), not " + query);
            assertReadable("variable " + v.path("name").asText(), labelValues.group(1));
        }));
        List<JsonNode> panels = panels(dashboard);
        checks.add(() -> assertEquals(panels.size(), panels.stream().map(p -> p.path("id").asInt()).distinct().count(),
                "panel ids must be unique"));
        for (JsonNode panel : panels) {
            String where = "panel \"" + panel.path("title").asText() + "\"";
            JsonNode grid = panel.path("gridPos");
            checks.add(() -> assertTrue(grid.path("x").asInt(-1) >= 0 && grid.path("w").asInt() > 0
                    && grid.path("x").asInt() + grid.path("w").asInt() <= 24 && grid.path("h").asInt() > 0,
                    where + " gridPos " + grid + " must fit the 24 columns"));
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            checks.add(() -> assertFalse(panel.path("description").asText().isBlank(), where + " must say what it shows"));
            checks.add(() -> assertDataSource(where, panel.path("datasource")));
            checks.add(() -> assertFalse(panel.path("targets").isEmpty(), where + " has no query"));
            panel.path("targets").forEach(target -> checks.add(() -> {
                assertDataSource(where + " query " + target.path("refId").asText(), target.path("datasource"));
                String expr = target.path("expr").asText();
                assertFalse(assertReadable(where, expr).isEmpty(), where + " reads no metric: " + expr);
                Matcher variable = GRAFANA_VARIABLE.matcher(expr);
                while (variable.find()) {
                    assertTrue(variables.containsKey(variable.group(1)) || GRAFANA_VARIABLES.contains(variable.group(1)),
                            where + " uses $" + variable.group(1) + ", which the dashboard does not declare");
                }
            }));
        }
        for (int i = 0; i < panels.size(); i++) {
            for (int j = i + 1; j < panels.size(); j++) {
                JsonNode a = panels.get(i).path("gridPos");
                JsonNode b = panels.get(j).path("gridPos");
                String pair = "panels \"" + panels.get(i).path("title").asText() + "\" and \""
                        + panels.get(j).path("title").asText() + "\"";
                checks.add(() -> assertFalse(a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                        && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                        && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                        && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt(), pair + " overlap"));
            }
        }
        assertAll(checks);
    }

    private static void assertDataSource(String where, JsonNode dataSource) {
        assertEquals("${datasource}", dataSource.path("uid").asText(), where + " must use the data source ${datasource}");
        assertEquals("prometheus", dataSource.path("type").asText(), where + " data source type");
    }

    /**
     * At a glance, what an on-call engineer asks first: requests per second, latency percentiles
     * from the histogram buckets, errors, circuit breakers, Redis command latency, replication lag
     * and the connection pools.
     */
    @Test
    void theDashboardShowsWhatAnOperatorAsksFirst() {
        Map<String, Predicate<String>> questions = new LinkedHashMap<>();
        questions.put("requests per second", expr -> expr.contains("rate(http_server_request_duration_seconds_count"));
        for (String quantile : List.of("0.5", "0.95", "0.99")) {
            questions.put("latency p" + quantile + " from the buckets", expr -> expr.contains("histogram_quantile("
                    + quantile + ",") && expr.contains("http_server_request_duration_seconds_bucket"));
        }
        questions.put("5xx answers", expr -> expr.contains("http_response_status_code=~\"5..\""));
        questions.put("circuit breaker state", expr -> expr.contains("ft_circuitbreaker_state_total_nanoseconds"));
        questions.put("Redis command latency", expr -> expr.contains("histogram_quantile(")
                && expr.contains("counter_redis_command_duration_seconds_bucket"));
        questions.put("replication lag", expr -> expr.contains("redis_connected_slave_offset_bytes")
                && expr.contains("redis_master_repl_offset"));
        questions.put("connection pools", expr -> expr.contains("counter_redis_pool_active_connections")
                || expr.contains("counter_redis_pool_waiting_threads"));
        Set<String> expressions = new HashSet<>(dashboardExpressions().values());
        assertAll(questions.entrySet().stream().map(question -> () -> assertTrue(
                expressions.stream().anyMatch(question.getValue()), "no panel shows " + question.getKey())));
    }

    /**
     * Kubernetes renders ship the dashboard as a ConfigMap for Grafana's sidecar, made from the
     * file itself (byte for byte, so never a copy to keep in step); OpenShift's monitoring has no
     * Grafana, and its renders do not.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("monitored")
    void theDashboardShipsAsAConfigMapOfTheFileItself(Render render) {
        List<ConfigMap> dashboards = render.manifests().all(ConfigMap.class).stream()
                .filter(c -> "1".equals(c.getMetadata().getLabels().get("grafana_dashboard"))).toList();
        if (render.forOpenShift()) {
            assertEquals(List.of(), dashboards.stream().map(Manifests::describe).toList(), render + " dashboards");
            return;
        }
        assertEquals(1, dashboards.size(), render + ": one ConfigMap labelled grafana_dashboard: \"1\"");
        assertEquals(Map.of(DASHBOARD.getFileName().toString(), Repository.read(DASHBOARD)), dashboards.get(0).getData(),
                describe(dashboards.get(0)) + " must hold " + Repository.relative(DASHBOARD) + " as it is");
    }

    /** The panels, those inside collapsed rows too. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        });
        return panels;
    }

    /** Each query of the dashboard, by where it is. */
    static Map<String, String> dashboardExpressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        panels(dashboard()).forEach(panel -> panel.path("targets").forEach(target -> expressions.put(
                "panel \"" + panel.path("title").asText() + "\" query " + target.path("refId").asText(),
                target.path("expr").asText())));
        return expressions;
    }

    static JsonNode dashboard() {
        try {
            return JSON.readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            return fail(Repository.relative(DASHBOARD) + " is not JSON: " + e.getMessage());
        }
    }
}
