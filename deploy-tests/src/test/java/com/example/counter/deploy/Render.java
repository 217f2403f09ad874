package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A set of objects that someone deploys, as the tests check it: what {@code kubectl kustomize}
 * makes of an overlay and components ({@link Combination}), or the objects of the OpenShift
 * Template as {@code oc process} makes them ({@link ProcessedTemplate}).
 */
sealed interface Render permits Render.Combination, ProcessedTemplate {

    Path OVERLAYS = Repository.KUSTOMIZE.resolve("overlays");
    Path COMPONENTS = Repository.KUSTOMIZE.resolve("components");
    YAMLMapper YAML = new YAMLMapper();

    /** Every render the manifest tests run over: each overlay combination, and the processed Template. */
    static Stream<Render> all() {
        return Stream.concat(Combination.all(), Stream.of(ProcessedTemplate.withSampleValues()));
    }

    static Stream<Render> openShift() {
        return all().filter(Render::forOpenShift);
    }

    /** The objects, parsed strictly; fails the test if rendering or parsing fails. */
    Manifests manifests();

    /** The Secrets that the operator creates before applying these objects. */
    OperatorProvided operatorProvided();

    /** Whether these objects are for OpenShift (Routes, builds, restricted-v2), not any Kubernetes. */
    boolean forOpenShift();

    /**
     * An overlay, plus components it does not already use, found in the directory tree so that a new
     * overlay or component is tested as soon as it exists; openshift/ is an overlay too. Its
     * template/ renders placeholders that only the processed Template fills in.
     *
     * @param extraKustomization more of the wrapper kustomization that applies the components, such
     *     as a namePrefix; empty for the combinations an operator lists in an overlay
     */
    record Combination(Path overlay, List<Path> extraComponents, Map<String, Object> extraKustomization)
            implements Render {

        private static final Map<Combination, Manifests> RENDERED = new ConcurrentHashMap<>();
        /**
         * As the docs say to list components: by the number in a "# order: N" line of their
         * kustomization (none is 0), so each sees the objects it changes.
         */
        private static final java.util.Comparator<Path> LISTING_ORDER =
                java.util.Comparator.comparing(Combination::listingOrder).thenComparing(Path::toString);

        Combination(Path overlay, List<Path> extraComponents) {
            this(overlay, extraComponents, Map.of());
        }

        /**
         * Every overlay with every subset of the components it does not list itself, listed as the
         * docs say: a component whose kustomization says "# order: last" after the others.
         */
        static Stream<Render> all() {
            List<Path> components = kustomizationsIn(COMPONENTS);
            List<Path> openShiftComponents = kustomizationsIn(Repository.OPENSHIFT.resolve("components"));
            return Stream.concat(kustomizationsIn(OVERLAYS).stream(), Stream.of(Repository.OPENSHIFT))
                    .flatMap(overlay -> subsets(Stream.concat(components.stream(), openShiftComponents.stream())
                            .filter(c -> !componentsOf(overlay).contains(c) && appliesTo(c, overlay))
                            .sorted(LISTING_ORDER).toList())
                            .stream().map(subset -> new Combination(overlay, subset)));
        }

        static Combination overlay(String name) {
            Path overlay = OVERLAYS.resolve(name);
            if (!Files.isRegularFile(overlay.resolve("kustomization.yaml"))) {
                fail("There is no overlay " + Repository.relative(overlay));
            }
            return new Combination(overlay, List.of());
        }

        /** What {@code oc apply -k openshift/} deploys. */
        static Combination openShift() {
            return new Combination(Repository.OPENSHIFT, List.of());
        }

        Combination with(String... components) {
            List<Path> extra = new ArrayList<>(extraComponents);
            Stream.of(components).map(COMPONENTS::resolve).forEach(extra::add);
            return new Combination(overlay, extra, extraKustomization);
        }

        /** The overlay's own components, then the extra ones. */
        List<Path> components() {
            List<Path> all = new ArrayList<>(componentsOf(overlay));
            all.addAll(extraComponents);
            return all;
        }

        /** What {@code kubectl kustomize} makes of it, parsed strictly; rendered once per test run. */
        @Override
        public Manifests manifests() {
            return RENDERED.computeIfAbsent(this, combination -> {
                String yaml = Repository.kustomize(extraComponents.isEmpty() && extraKustomization.isEmpty()
                        ? overlay : writeWrapper());
                try {
                    return Manifests.parse(yaml);
                } catch (IllegalArgumentException e) {
                    return fail(this + " renders objects that are not valid Kubernetes: " + e.getMessage(), e);
                }
            });
        }

        @Override
        public OperatorProvided operatorProvided() {
            return OperatorProvided.of(Stream.concat(Stream.of(overlay), components().stream()).toList());
        }

        @Override
        public boolean forOpenShift() {
            return overlay.startsWith(Repository.OPENSHIFT);
        }

        /** The number in the "# order: N" line of the component's kustomization; 0 without one. */
        static int listingOrder(Path component) {
            var order = java.util.regex.Pattern.compile("\n# order: (\\d+)")
                    .matcher(Repository.read(component.resolve("kustomization.yaml")));
            return order.find() ? Integer.parseInt(order.group(1)) : 0;
        }

        /**
         * The overlay as an operator changes it: a copy of kustomize/ and openshift/ in which the
         * overlay's own kustomization lists the extra components among its own, in the documented
         * order (an extra one of order 1 before an own one of order 2, as canary before sentinel in
         * prod), so that they run before its patches, as they would; and has the extra fields.
         */
        private Path writeWrapper() {
            Path copy = Repository.TARGET.resolve("kustomize-combinations").resolve(toString()
                    .replaceAll("[^A-Za-z0-9+=-]+", "_"));
            try {
                for (Path tree : List.of(Repository.KUSTOMIZE, Repository.OPENSHIFT)) {
                    try (Stream<Path> files = Files.walk(tree)) {
                        for (Path file : files.filter(Files::isRegularFile).toList()) {
                            Path target = copy.resolve(Repository.ROOT.relativize(file));
                            Files.createDirectories(target.getParent());
                            Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                Path dir = copy.resolve(Repository.ROOT.relativize(overlay));
                Path file = dir.resolve("kustomization.yaml");
                String kustomization = Files.readString(file);
                // Its own components, then the extra ones, each after those of a lower order:
                // a stable sort, so the overlay's own keep the order it gives them.
                List<Path> ordered = Stream.concat(StreamSupport.stream(kustomization(overlay).path("components")
                                        .spliterator(), false).map(entry -> overlay.resolve(entry.asText()).normalize()),
                                extraComponents.stream())
                        .sorted(java.util.Comparator.comparing(Combination::listingOrder)).toList();
                String listed = ordered.stream().map(c -> "  - " + overlay.relativize(c) + "\n")
                        .collect(Collectors.joining());
                kustomization = kustomization.contains("\ncomponents:\n")
                        ? kustomization.replaceFirst("\ncomponents:\n(?:  [-#].*\n)*",
                                "\ncomponents:\n" + java.util.regex.Matcher.quoteReplacement(listed))
                        : kustomization + (listed.isEmpty() ? "" : "components:\n" + listed);
                Files.writeString(file, kustomization + (extraKustomization.isEmpty() ? ""
                        : YAML.writeValueAsString(extraKustomization).replaceFirst("^---\n", "")));
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * The component directories that the kustomization uses: those it lists, and those that
         * the kustomizations it builds on (its resources and components) list, as openshift/base
         * lists components/monitoring for openshift/.
         */
        static Set<Path> componentsOf(Path kustomizationDir) {
            JsonNode kustomization = kustomization(kustomizationDir);
            Set<Path> components = new HashSet<>();
            StreamSupport.stream(kustomization.path("components").spliterator(), false)
                    .map(entry -> kustomizationDir.resolve(entry.asText()).normalize())
                    .forEach(components::add);
            Stream.concat(StreamSupport.stream(kustomization.path("resources").spliterator(), false)
                            .map(entry -> kustomizationDir.resolve(entry.asText()).normalize())
                            .filter(dir -> Files.isRegularFile(dir.resolve("kustomization.yaml"))),
                    Set.copyOf(components).stream())
                    .forEach(dir -> components.addAll(componentsOf(dir)));
            return components;
        }

        /**
         * Whether the component is for the overlay's platform: a component whose kustomization says
         * "# platform: kubernetes" or "openshift" applies to that platform's overlays only.
         */
        static boolean appliesTo(Path component, Path overlay) {
            String text = Repository.read(component.resolve("kustomization.yaml"));
            boolean openShift = overlay.startsWith(Repository.OPENSHIFT);
            return !text.contains("\n# platform: " + (openShift ? "kubernetes" : "openshift"));
        }

        static JsonNode kustomization(Path dir) {
            try {
                return YAML.readTree(dir.resolve("kustomization.yaml").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The subdirectories of {@code dir} that hold a kustomization.yaml, sorted by name. */
        static List<Path> kustomizationsIn(Path dir) {
            try (Stream<Path> children = Files.list(dir)) {
                return children.filter(child -> Files.isRegularFile(child.resolve("kustomization.yaml"))).sorted()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static List<List<Path>> subsets(List<Path> items) {
            List<List<Path>> subsets = new ArrayList<>();
            for (int mask = 0; mask < 1 << items.size(); mask++) {
                int bits = mask;
                subsets.add(java.util.stream.IntStream.range(0, items.size()).filter(i -> (bits & 1 << i) != 0)
                        .mapToObj(items::get).toList());
            }
            return subsets;
        }

        @Override
        public String toString() {
            return Repository.relative(overlay) + extraComponents.stream()
                    .map(component -> " + " + Repository.relative(component)).collect(Collectors.joining())
                    + (extraKustomization.isEmpty() ? "" : " " + extraKustomization);
        }
    }

    /**
     * The Secrets that the operator creates before applying, never committed: each overlay or
     * component that expects one declares it in its operator-provided.yaml, with the keys it must have.
     */
    record OperatorProvided(Map<String, Set<String>> secrets) {

        static final String FILE = "operator-provided.yaml";

        /** What the directories (an overlay and its components) declare. */
        static OperatorProvided of(List<Path> dirs) {
            Map<String, Set<String>> secrets = new HashMap<>();
            dirs.stream().map(dir -> dir.resolve(FILE)).filter(Files::isRegularFile).forEach(file -> {
                try {
                    YAML.readTree(file.toFile()).path("secrets").properties().forEach(secret -> secret.getValue()
                            .forEach(key -> secrets.computeIfAbsent(secret.getKey(), name -> new HashSet<>())
                                    .add(key.asText())));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read " + Repository.relative(file), e);
                }
            });
            return new OperatorProvided(secrets);
        }

        /** Nothing: the objects bring everything they need. */
        static OperatorProvided nothing() {
            return new OperatorProvided(Map.of());
        }

        boolean hasSecret(String name) {
            return secrets.containsKey(name);
        }

        Set<String> secretKeys(String name) {
            return secrets.getOrDefault(name, Set.of());
        }
    }
}
