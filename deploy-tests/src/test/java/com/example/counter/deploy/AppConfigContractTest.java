package com.example.counter.deploy;

import static com.example.counter.deploy.Manifests.describe;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * The environment of the Java services (the Deployments' containers) is configuration that the code
 * reads: each variable is the MicroProfile Config environment form of a {@code @ConfigProperty}
 * name found in the sources, so a renamed key or a typo in a manifest fails here, not in a pod.
 */
class AppConfigContractTest {

    /** Without these the services would talk to the defaults in the WARs: a Redis on localhost. */
    private static final Set<String> REQUIRED = Set.of(
            "COUNTER_REDIS_WRITE_URI", "COUNTER_REDIS_READ_URI", "COUNTER_REDIS_PASSWORD");
    private static final String PASSWORD = "COUNTER_REDIS_PASSWORD";

    private static final Pattern CONFIG_PROPERTY = Pattern.compile("@ConfigProperty\\s*\\(([^)]*)\\)");
    private static final Pattern NAME = Pattern.compile("\\bname\\s*=\\s*\"([^\"]+)\"");

    /** The environment variable name for each key the code reads, e.g. COUNTER_KEY for counter.key. */
    private static final Map<String, String> KEYS_BY_VARIABLE = keysReadByTheCode().stream()
            .collect(Collectors.toMap(AppConfigContractTest::environmentForm, Function.identity()));

    static Stream<Render> renders() {
        return Render.all();
    }

    @Test
    void theCodeReadsItsConfigurationThroughConfigProperty() {
        assertFalse(KEYS_BY_VARIABLE.isEmpty(), "no @ConfigProperty(name = \"...\") in */src/main/java");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void servicesGetOnlyVariablesTheCodeReads(Render render) {
        Manifests manifests = render.manifests();
        OperatorProvided operatorProvided = render.operatorProvided();
        List<Executable> checks = new ArrayList<>();
        for (Deployment deployment : manifests.all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                for (var variable : PodConfiguration.environment(container, manifests, operatorProvided)) {
                    checks.add(() -> assertTrue(KEYS_BY_VARIABLE.containsKey(variable.name()),
                            describe(deployment) + " container " + container.getName() + " gets " + variable.name()
                                    + ", which is no configuration the code reads. Known: "
                                    + new TreeSet<>(KEYS_BY_VARIABLE.keySet())));
                }
            }
        }
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void servicesGetTheRedisEndpointsAndThePasswordFromASecret(Render render) {
        Manifests manifests = render.manifests();
        OperatorProvided operatorProvided = render.operatorProvided();
        List<Executable> checks = new ArrayList<>();
        for (Deployment deployment : manifests.all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                String where = describe(deployment) + " container " + container.getName();
                var environment = PodConfiguration.environment(container, manifests, operatorProvided);
                Set<String> names = environment.stream().map(PodConfiguration.Variable::name)
                        .collect(Collectors.toSet());
                checks.add(() -> assertTrue(names.containsAll(REQUIRED), where + " must get " + REQUIRED
                        + ", gets " + new TreeSet<>(names)));
                checks.add(() -> assertTrue(environment.stream()
                                .filter(variable -> variable.name().equals(PASSWORD))
                                .allMatch(PodConfiguration.Variable::fromSecret),
                        where + " " + PASSWORD + " must come from a Secret"));
            }
        }
        assertAll(checks);
    }

    /** The MicroProfile Config rule: each character that is not a letter or digit becomes _, then upper case. */
    static String environmentForm(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The names of every {@code @ConfigProperty} in the modules' main sources. */
    private static Set<String> keysReadByTheCode() {
        List<Path> sourceRoots;
        try (Stream<Path> modules = Files.list(Repository.ROOT)) {
            sourceRoots = modules.map(module -> module.resolve("src/main/java")).filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (sourceRoots.isEmpty()) {
            fail("No module has Java sources (*/src/main/java under " + Repository.ROOT + "): cannot check the"
                    + " services' environment against the configuration the code reads");
        }
        Set<String> keys = new TreeSet<>();
        sourceRoots.stream()
                .flatMap(root -> Repository.filesEndingWith(root, ".java"))
                .forEach(file -> {
                    Matcher annotation = CONFIG_PROPERTY.matcher(Repository.read(file));
                    while (annotation.find()) {
                        Matcher name = NAME.matcher(annotation.group(1));
                        if (!name.find()) {
                            fail(Repository.relative(file) + " has " + annotation.group()
                                    + " without a literal name = \"...\"; this test reads only literal names");
                        }
                        keys.add(name.group(1));
                    }
                });
        return keys;
    }

    @Test
    void environmentFormFollowsMicroProfileConfig() {
        assertEquals("COUNTER_REDIS_WRITE_URI", environmentForm("counter.redis.write-uri"));
    }
}
