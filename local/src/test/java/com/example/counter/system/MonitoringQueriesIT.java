package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.localredis.RedisNode;
import com.example.counter.testsupport.PromQL;
import com.example.counter.testsupport.Responses;
import com.example.counter.testsupport.Scrape;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every metric that the alerts and the Grafana dashboard of kustomize/components/monitoring read
 * exists, with the labels they select it by: an alert on a metric that nobody exports never
 * fires, and says nothing about it. Held against real scrapes: the services' /metrics after one
 * read and one increment (so that their request and Redis histograms have series), and
 * redis_exporter, the one the Redis pods run beside Redis, started here against the test Redis's
 * master and its replica (some names exist only on a replica) with its password in the
 * environment, as the pods pass it.
 *
 * <p>What the rest of a cluster's monitoring provides cannot run here: those names are the
 * allow-list {@link #FROM_THE_CLUSTER}, each with where it comes from, and must each be in use.
 */
@ExtendWith(LocalSystem.class)
class MonitoringQueriesIT {

    /**
     * Metrics that come from the cluster's monitoring, not from the counter: kube-prometheus,
     * kube-prometheus-stack and OpenShift's monitoring all collect them.
     */
    private static final Map<String, String> FROM_THE_CLUSTER = Map.of(
            "up", "Prometheus itself, one series per target it scrapes",
            "kube_pod_status_ready", "kube-state-metrics",
            "kubelet_volume_stats_available_bytes", "the kubelet",
            "kubelet_volume_stats_capacity_bytes", "the kubelet");
    /**
     * Labels that Prometheus gives every series of a target (the PodMonitors' job, the pod's
     * namespace and name, its app.kubernetes.io labels), which no exporter's own samples carry.
     */
    private static final Set<String> TARGET_LABELS = Set.of(
            "job", "namespace", "pod", "container", "endpoint", "instance");
    private static final String TARGET_LABEL_PREFIX = "app_kubernetes_io_";
    /** Debian's package prometheus-redis-exporter; -Dcounter.test.redis-exporter=... elsewhere. */
    private static final Path EXPORTER = Path.of(System.getProperty("counter.test.redis-exporter",
            "/usr/bin/prometheus-redis-exporter"));
    private static final String PASSWORD = System.getProperty("counter.test.redis.password");
    private static final Duration EXPORTER_STARTUP = Duration.ofSeconds(20);

    private static Path component;

    @BeforeAll
    static void findTheComponent() {
        // Failsafe runs in the module directory; the repository is its parent.
        component = Path.of("").toAbsolutePath().getParent().resolve("kustomize/components/monitoring");
        assertTrue(Files.isDirectory(component), "no " + component + ": run from the local module, as Maven does");
    }

    @Test
    void everyMetricThatTheAlertsAndTheDashboardReadIsExportedWithTheLabelsTheySelect() {
        Responses.assertStatus(200, LocalSystem.http().get("/"));
        Responses.assertStatus(200, LocalSystem.http().post("/inc"));
        Map<String, Scrape> scrapes = new LinkedHashMap<>();
        scrapes.put("the services' /metrics", LocalSystem.scrape());
        scrapes.put("redis_exporter on the master", exporterScrape(LocalSystem.redis().master()));
        scrapes.put("redis_exporter on the replica", exporterScrape(LocalSystem.redis().replica()));

        Map<String, String> queries = queries();
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        queries.forEach((where, expression) -> {
            for (PromQL.Selector selector : PromQL.selectors(expression)) {
                used.add(selector.metric());
                if (FROM_THE_CLUSTER.containsKey(selector.metric())) {
                    continue;
                }
                List<Scrape.Sample> samples = scrapes.values().stream().flatMap(s -> s.samples().stream())
                        .filter(sample -> sample.name().equals(selector.metric())).toList();
                if (samples.isEmpty()) {
                    problems.add(where + " reads " + selector.metric() + ", which no scrape has ("
                            + String.join(", ", scrapes.keySet()) + ")");
                    continue;
                }
                for (PromQL.LabelMatcher matcher : selector.matchers()) {
                    if (TARGET_LABELS.contains(matcher.label()) || matcher.label().startsWith(TARGET_LABEL_PREFIX)) {
                        continue;
                    }
                    if (samples.stream().noneMatch(sample -> sample.labels().containsKey(matcher.label()))) {
                        problems.add(where + " selects " + selector.metric() + " by the label " + matcher.label()
                                + ", which it does not have: " + samples.get(0).labels().keySet());
                    } else if (matcher.operator().equals("=") && !matcher.value().contains("$")
                            && samples.stream().noneMatch(s -> matcher.value().equals(s.labels().get(matcher.label())))) {
                        problems.add(where + " selects " + selector.metric() + "{" + matcher.label() + "=\""
                                + matcher.value() + "\"}, a value it never has: " + samples.stream()
                                .map(s -> s.labels().get(matcher.label())).collect(Collectors.toCollection(TreeSet::new)));
                    }
                }
            }
        });
        assertEquals(List.of(), problems, problems.size() + " of the monitoring's queries read what is not exported");
        assertTrue(used.containsAll(FROM_THE_CLUSTER.keySet()), "the allow-list names metrics that no query reads: "
                + FROM_THE_CLUSTER.keySet().stream().filter(name -> !used.contains(name)).toList());
    }

    /** Each alert's and each dashboard query's expression, by where it is. */
    private static Map<String, String> queries() {
        Map<String, String> queries = new LinkedHashMap<>();
        YAMLMapper yaml = new YAMLMapper();
        List<JsonNode> documents = yaml.readerFor(JsonNode.class).<JsonNode>readValues(
                component.resolve("rules.yaml").toFile()).readAll();
        for (JsonNode rule : documents) {
            rule.path("spec").path("groups").forEach(group -> group.path("rules").forEach(alert ->
                    queries.put("alert " + alert.path("alert").asString(), alert.path("expr").asString())));
        }
        JsonNode dashboard = JsonMapper.builder().build().readTree(component.resolve("counter-dashboard.json").toFile());
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        });
        panels.forEach(panel -> panel.path("targets").forEach(target -> queries.put("panel \""
                + panel.path("title").asString() + "\" query " + target.path("refId").asString(),
                target.path("expr").asString())));
        dashboard.path("templating").path("list").forEach(variable -> {
            if (variable.path("type").asString().equals("query")) {
                String query = variable.path("query").path("query").asString();
                queries.put("dashboard variable " + variable.path("name").asString(),
                        query.replaceFirst("^label_values\\((.*),\\s*[A-Za-z_][A-Za-z0-9_]*\\)$", "$1"));
            }
        });
        assertFalse(queries.isEmpty(), "no query in " + component);
        return queries;
    }

    /**
     * A scrape of a redis_exporter that this test runs against the node, configured through its
     * environment as the Redis pods configure theirs: REDIS_ADDR, REDIS_PASSWORD, and the
     * address to listen on, a free loopback port. Stopped before this returns.
     */
    private static Scrape exporterScrape(RedisNode node) {
        if (!Files.isExecutable(EXPORTER)) {
            fail(EXPORTER + " is missing: apt-get install prometheus-redis-exporter, or -Dcounter.test.redis-exporter=...");
        }
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(EXPORTER.toString());
        builder.environment().put("REDIS_ADDR", "redis://127.0.0.1:" + node.port());
        if (PASSWORD != null && !PASSWORD.isEmpty()) {
            builder.environment().put("REDIS_PASSWORD", PASSWORD);
        }
        builder.environment().put("REDIS_EXPORTER_WEB_LISTEN_ADDRESS", "127.0.0.1:" + port);
        Path log = Path.of("target", "redis-exporter-" + node.port() + ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process exporter;
        try {
            exporter = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + EXPORTER, e);
        }
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build();
            Scrape[] scrape = new Scrape[1];
            await("redis_exporter on " + port + " to scrape Redis on " + node.port() + " (its log: " + log + ")")
                    .atMost(EXPORTER_STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> {
                        assertTrue(exporter.isAlive(), "redis_exporter exited: " + Files.readString(log));
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        scrape[0] = new Scrape(response.body());
                        return response.statusCode() == 200;
                    });
            assertEquals(1.0, scrape[0].sum("redis_up"), "redis_exporter could not reach Redis on " + node.port()
                    + " with the password from its environment (its log: " + log + ")");
            return scrape[0];
        } finally {
            exporter.destroy();
            try {
                if (!exporter.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    exporter.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
