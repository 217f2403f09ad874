package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An overlay, plus components it does not already use. Discovered from the directory tree, so a
 * new overlay or component is tested as soon as it exists. The overlays are those under
 * kustomize/overlays, and openshift/ itself: its base/ is what it builds on, as kustomize/base is,
 * and its template/ renders placeholders that only the processed Template ({@link ProcessedTemplate})
 * fills in.
 */
record Combination(Path overlay, List<Path> extraComponents) implements Render {

    static final Path OVERLAYS = Repository.KUSTOMIZE.resolve("overlays");
    static final Path COMPONENTS = Repository.KUSTOMIZE.resolve("components");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<Combination, Manifests> RENDERED = new ConcurrentHashMap<>();

    /** Every overlay with every subset of the components it does not list itself. */
    static Stream<Combination> all() {
        List<Path> components = Repository.kustomizationsIn(COMPONENTS).toList();
        return Stream.concat(Repository.kustomizationsIn(OVERLAYS), Stream.of(Repository.OPENSHIFT))
                .flatMap(overlay -> {
                    List<Path> unused = components.stream().filter(c -> !componentsOf(overlay).contains(c)).toList();
                    return subsets(unused).stream().map(subset -> new Combination(overlay, subset));
                });
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

    /** The overlay's own components, then the extra ones. */
    List<Path> components() {
        List<Path> all = new ArrayList<>(componentsOf(overlay));
        all.addAll(extraComponents);
        return all;
    }

    /**
     * What {@code kubectl kustomize} makes of it, parsed strictly; rendered once per test run.
     * Fails the test if kustomize or the parse fails.
     */
    @Override
    public Manifests manifests() {
        return RENDERED.computeIfAbsent(this, Combination::render);
    }

    @Override
    public OperatorProvided operatorProvided() {
        return OperatorProvided.of(this);
    }

    @Override
    public boolean forOpenShift() {
        return overlay.startsWith(Repository.OPENSHIFT);
    }

    private Manifests render() {
        String yaml = Kustomize.build(extraComponents.isEmpty() ? overlay : writeWrapper());
        try {
            return Manifests.parse(yaml);
        } catch (IllegalArgumentException e) {
            return fail(this + " renders objects that are not valid Kubernetes: " + e.getMessage(), e);
        }
    }

    /**
     * A kustomization that applies the extra components to the overlay, as an operator would by
     * listing them in the overlay. Paths are relative: kustomize does not accept absolute ones.
     */
    private Path writeWrapper() {
        Path dir = Repository.TARGET.resolve("kustomize-combinations").resolve(
                Stream.concat(Stream.of(overlay), extraComponents.stream())
                        .map(path -> path.getFileName().toString())
                        .collect(Collectors.joining("+")));
        Map<String, Object> kustomization = new LinkedHashMap<>();
        kustomization.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
        kustomization.put("kind", "Kustomization");
        kustomization.put("resources", List.of(dir.relativize(overlay).toString()));
        kustomization.put("components", extraComponents.stream().map(c -> dir.relativize(c).toString()).toList());
        try {
            Files.createDirectories(dir);
            YAML.writeValue(dir.resolve("kustomization.yaml").toFile(), kustomization);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The component directories that the overlay's kustomization.yaml lists. */
    static Set<Path> componentsOf(Path kustomizationDir) {
        JsonNode components = kustomization(kustomizationDir).path("components");
        return StreamSupport.stream(components.spliterator(), false)
                .map(entry -> kustomizationDir.resolve(entry.asText()).normalize())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static JsonNode kustomization(Path dir) {
        try {
            return YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<List<Path>> subsets(List<Path> items) {
        List<List<Path>> subsets = new ArrayList<>();
        for (int mask = 0; mask < 1 << items.size(); mask++) {
            List<Path> subset = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    subset.add(items.get(i));
                }
            }
            subsets.add(List.copyOf(subset));
        }
        return subsets;
    }

    @Override
    public String toString() {
        return Repository.relative(overlay) + extraComponents.stream()
                .map(component -> " + " + Repository.relative(component))
                .collect(Collectors.joining());
    }
}
