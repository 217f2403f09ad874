package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image build files follow Open Liberty's guidance for kernel-slim images, build the WAR from
 * the sources, and stay in step with the project: the Liberty version, the project version, and
 * each other.
 */
class ContainerfilesTest {

    /** One instruction, its continuation lines joined: "COPY --chown=1001:0 a b". */
    private record Instruction(String keyword, String arguments) {

        @Override
        public String toString() {
            return keyword + " " + arguments;
        }
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}");

    @ParameterizedTest
    @ValueSource(strings = {"web", "web-inc"})
    void buildsFromPinnedImages(String module) {
        List<Instruction> instructions = instructions(module);
        Map<String, String> defaults = argumentDefaults(instructions);
        List<String> images = instructions.stream().filter(i -> i.keyword().equals("FROM"))
                .map(i -> expand(i.arguments().split("\\s+")[0], defaults)).toList();
        assertEquals(2, images.size(), module + "/Containerfile: a build stage and the image");
        assertAll(images.stream().map(image -> () -> assertTrue(Images.isPinned(image),
                module + "/Containerfile: FROM " + image + " must name a version tag (not latest) or a digest")));
        String liberty = "icr.io/appcafe/open-liberty:" + Repository.pom("/project/properties/openliberty.version")
                + "-kernel-slim-java17-openj9-ubi-minimal";
        assertEquals(liberty, images.get(1), module + "/Containerfile: the image must be Open Liberty's kernel-slim"
                + " UBI minimal image of the Liberty version the pom builds and tests with");
    }

    @ParameterizedTest
    @ValueSource(strings = {"web", "web-inc"})
    void compilesTheWarWithTheMavenWrapper(String module) {
        List<Instruction> instructions = instructions(module);
        Map<String, String> defaults = argumentDefaults(instructions);
        assertEquals(module, defaults.get("MODULE"), module + "/Containerfile MODULE");
        assertTrue(instructions.stream()
                        .anyMatch(i -> i.keyword().equals("RUN") && i.arguments().startsWith("./mvnw ")),
                module + "/Containerfile must build with ./mvnw, so a cluster builds from Git with nothing else");
        assertTrue(instructions.stream().anyMatch(i -> i.keyword().equals("COPY")
                        && expand(i.arguments(), defaults).contains("/" + module + "/target/" + module + ".war")),
                module + "/Containerfile must copy the " + module + ".war that the build stage made");
    }

    @ParameterizedTest
    @ValueSource(strings = {"web", "web-inc"})
    void followsOpenLibertysRecipe(String module) {
        List<Instruction> image = finalStage(instructions(module));
        List<String> steps = image.stream().map(Instruction::toString).toList();
        int features = steps.indexOf("RUN features.sh");
        int configure = steps.indexOf("RUN configure.sh");
        int war = indexOf(steps, "COPY --chown=1001:0 --from=build ");
        int config = indexOf(steps, "COPY --chown=1001:0 ${MODULE}/src/main/liberty/config/ /config/");
        assertAll(
                () -> assertTrue(0 <= config && config < features, module + ": server configuration, then features.sh"),
                () -> assertTrue(features < war && war < configure,
                        module + ": features.sh, the WAR, then configure.sh"),
                () -> assertTrue(image.stream().filter(i -> i.keyword().equals("COPY"))
                        .allMatch(i -> i.arguments().startsWith("--chown=1001:0 ")),
                        module + ": every COPY into the image must be --chown=1001:0 (uid 1001, group 0)"),
                () -> assertEquals("1001", image.stream().filter(i -> i.keyword().equals("USER"))
                        .reduce((first, last) -> last).map(Instruction::arguments).orElse(null),
                        module + ": the image must run as USER 1001"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"web", "web-inc"})
    void carriesOciLabels(String module) {
        List<Instruction> image = finalStage(instructions(module));
        String labels = image.stream().filter(i -> i.keyword().equals("LABEL")).map(Instruction::arguments)
                .reduce("", String::concat);
        assertAll(Stream.of("title", "description", "version", "revision", "source", "base.name")
                .map(label -> () -> assertTrue(labels.contains("org.opencontainers.image." + label + "="),
                        module + "/Containerfile lacks the label org.opencontainers.image." + label)));
        assertEquals(Repository.pom("/project/version"), argumentDefaults(image).get("VERSION"),
                module + "/Containerfile VERSION default must be the project version");
    }

    @Test
    void webIncIsWebsContainerfileWithItsOwnArguments() {
        assertEquals(withoutModuleSpecifics("web"), withoutModuleSpecifics("web-inc"),
                "web/Containerfile and web-inc/Containerfile must differ only in their MODULE and DESCRIPTION");
    }

    @Test
    void theBaseDeploysTheImagesTheseFilesBuild() {
        Manifests base = Manifests.parse(Kustomize.build(Repository.KUSTOMIZE.resolve("base")));
        String version = Repository.pom("/project/version");
        assertAll(Stream.of("web", "web-inc").map(module -> () -> assertEquals(
                "localhost/counter-" + module + ":" + version,
                base.find(Deployment.class, module).orElseGet(() -> fail("The base has no Deployment " + module))
                        .getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
                "the base must deploy the image that " + module + "/Containerfile builds (docs/kubernetes.md)")));
    }

    @Test
    void theBuildContextLeavesOutBuildOutputAndGit() {
        Path ignore = Repository.ROOT.resolve(".dockerignore");
        assertTrue(Files.isRegularFile(ignore), ".dockerignore is missing (Docker, Podman and Buildah read it)");
        List<String> patterns = Repository.read(ignore).lines().map(String::strip).toList();
        assertAll(Stream.of(".git", "**/target").map(pattern -> () -> assertTrue(patterns.contains(pattern),
                ".dockerignore must leave out " + pattern)));
    }

    /** The file's instructions without the two that name the module and describe it. */
    private static String withoutModuleSpecifics(String module) {
        return instructions(module).stream()
                .filter(i -> !(i.keyword().equals("ARG") && i.arguments().matches("(MODULE|DESCRIPTION)=.*")))
                .map(Instruction::toString)
                .reduce("", (all, line) -> all + line + "\n");
    }

    private static List<Instruction> instructions(String module) {
        Path file = Repository.ROOT.resolve(module).resolve("Containerfile");
        if (!Files.isRegularFile(file)) {
            fail(module + "/Containerfile is missing");
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Repository.read(file).lines().toList()) {
            String text = line.strip();
            if (text.startsWith("#") || (text.isEmpty() && current.isEmpty())) {
                continue;
            }
            current.append(text.endsWith("\\") ? text.substring(0, text.length() - 1) : text).append(' ');
            if (!text.endsWith("\\")) {
                String[] parts = current.toString().strip().split("\\s+", 2);
                instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static List<Instruction> finalStage(List<Instruction> instructions) {
        int last = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                last = i;
            }
        }
        return instructions.subList(last, instructions.size());
    }

    /** ARG NAME=value defaults; quotes removed. */
    private static Map<String, String> argumentDefaults(List<Instruction> instructions) {
        Map<String, String> defaults = new HashMap<>();
        instructions.stream().filter(i -> i.keyword().equals("ARG") && i.arguments().contains("=")).forEach(i -> {
            String[] parts = i.arguments().split("=", 2);
            defaults.put(parts[0], parts[1].replaceAll("^\"|\"$", ""));
        });
        return defaults;
    }

    private static String expand(String text, Map<String, String> variables) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(variables.getOrDefault(matcher.group(1), "")));
        }
        return matcher.appendTail(expanded).toString();
    }

    private static int indexOf(List<String> steps, String prefix) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
