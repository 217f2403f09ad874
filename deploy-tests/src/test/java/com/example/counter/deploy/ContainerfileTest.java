package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.openshift.api.model.BuildConfig;
import io.fabric8.openshift.api.model.ImageStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

/**
 * The one Containerfile of both services follows Open Liberty's guidance for kernel-slim images,
 * builds the module it is given from the sources, declares that module's WAR as the server's one
 * application (liberty/server.xml names none and disables dropins), and uses the pom's Liberty.
 */
class ContainerfileTest {

    private static final Path FILE = Repository.ROOT.resolve("Containerfile");

    /** One instruction, its continuation lines joined: "COPY --chown=1001:0 a b". */
    private record Instruction(String keyword, String arguments) {

        @Override
        public String toString() {
            return keyword + " " + arguments;
        }
    }

    private final List<Instruction> instructions = instructions();
    private final List<Instruction> image = instructions.subList(IntStream.range(0, instructions.size())
            .filter(i -> instructions.get(i).keyword().equals("FROM")).max().orElseThrow(), instructions.size());

    @Test
    void buildsFromPinnedImagesOntoThePomsOpenLiberty() {
        Map<String, String> defaults = argumentDefaults(instructions);
        List<String> images = instructions.stream().filter(i -> i.keyword().equals("FROM"))
                .map(i -> expand(i.arguments().split("\\s+")[0], defaults)).toList();
        assertEquals(2, images.size(), "a build stage and the image");
        assertAll(images.stream().map(image -> () -> assertTrue(Manifests.isPinned(image),
                "FROM " + image + " must name a version tag (not latest) or a digest")));
        assertEquals("icr.io/appcafe/open-liberty:" + Repository.pom("/project/properties/openliberty.version")
                + "-kernel-slim-java17-openj9-ubi-minimal", images.get(1), "the image must be Open Liberty's"
                + " kernel-slim UBI minimal image of the Liberty version the pom builds and tests with");
    }

    /** OpenShift's builds replace the last FROM with the ImageStream that tracks the same image. */
    @Test
    void openShiftBuildsOnTheSameOpenLiberty() {
        Manifests openShift = Render.Combination.openShift().manifests();
        String liberty = argumentDefaults(instructions).get("LIBERTY_IMAGE");
        assertAll(openShift.all(BuildConfig.class).stream().map(build -> () -> {
            var from = build.getSpec().getStrategy().getDockerStrategy().getFrom();
            String[] tag = from.getName().split(":", 2);
            assertEquals(liberty, openShift.get(ImageStream.class, tag[0]).getSpec().getTags().stream()
                    .filter(t -> t.getName().equals(tag[1])).findFirst().orElseThrow().getFrom().getName(),
                    Manifests.describe(build) + " builds on " + from.getName());
        }));
    }

    @Test
    void compilesTheModuleItIsGivenWithTheMavenWrapper() {
        assertFalse(argumentDefaults(instructions).containsKey("MODULE"),
                "MODULE must have no default: each build names its service");
        assertTrue(instructions.stream().anyMatch(i -> i.keyword().equals("RUN")
                        && i.arguments().startsWith("./mvnw ") && i.arguments().contains("--projects \"${MODULE}\"")),
                "the build stage must build the module with ./mvnw, so a cluster builds from Git with nothing else");
        assertTrue(image.stream().anyMatch(i -> i.toString().equals(
                        "COPY --chown=1001:0 --from=build /src/${MODULE}/target/${MODULE}.war /config/apps/")),
                "the image must take the ${MODULE}.war that the build stage made");
    }

    @Test
    void followsOpenLibertysRecipe() {
        List<String> steps = image.stream().map(Instruction::toString).toList();
        int config = steps.indexOf("COPY --chown=1001:0 liberty/ /config/");
        int features = steps.indexOf("RUN features.sh");
        int war = indexOf(steps, "COPY --chown=1001:0 --from=build ");
        int application = indexOf(steps, "RUN mkdir -p /config/configDropins/defaults");
        int configure = steps.indexOf("RUN configure.sh");
        assertAll(
                () -> assertTrue(0 <= config && config < features, "the server configuration, then features.sh"),
                () -> assertTrue(features < war && war < application && application < configure,
                        "features.sh, the WAR, its declaration, then configure.sh: " + steps),
                () -> assertTrue(image.stream().filter(i -> i.keyword().equals("COPY"))
                        .allMatch(i -> i.arguments().startsWith("--chown=1001:0 ")),
                        "every COPY into the image must be --chown=1001:0 (uid 1001, group 0)"),
                () -> assertEquals("1001", image.stream().filter(i -> i.keyword().equals("USER"))
                        .reduce((first, last) -> last).map(Instruction::arguments).orElse(null),
                        "the image must run as USER 1001"));
    }

    /**
     * The step that declares the application, run as the build runs it (with /config moved here):
     * the dropin it writes is Liberty configuration naming the module's WAR, which server.xml does
     * not, and which dropins, disabled there, would not deploy.
     */
    @ParameterizedTest
    @ValueSource(strings = {"web", "web-inc"})
    void declaresTheModulesWarAsTheApplication(String module, @TempDir Path config) throws Exception {
        String step = image.stream().filter(i -> i.arguments().contains("configDropins")).findFirst()
                .orElseGet(() -> fail("no step writes a config dropin")).arguments();
        Repository.Result result = Repository.run(Map.of("MODULE", module), Path.of("/bin/sh"), "-c",
                step.replace("/config/", config + "/"));
        assertTrue(result.succeeded(), result.describe());

        Document dropin = xml(config.resolve("configDropins/defaults/application.xml"));
        Document server = xml(Repository.ROOT.resolve("liberty/server.xml"));
        var xpath = XPathFactory.newDefaultInstance().newXPath();
        assertAll(
                () -> assertEquals(module + ".war", xpath.evaluate("/server/webApplication/@location", dropin)),
                () -> assertEquals("false", xpath.evaluate("/server/applicationMonitor/@dropinsEnabled", server),
                        "server.xml must disable dropins: the image declares what runs"),
                () -> assertEquals("0", xpath.evaluate("count(//webApplication|//application|//enterpriseApplication)",
                        server), "server.xml must name no application: one server.xml serves both services"));
    }

    /**
     * server.xml polls for changed files (liberty:dev needs it) unless the variable update.trigger
     * says otherwise; in the image nothing changes, so it must not poll.
     */
    @Test
    void theImageDoesNotPollForChanges() throws Exception {
        Document server = xml(Repository.ROOT.resolve("liberty/server.xml"));
        var xpath = XPathFactory.newDefaultInstance().newXPath();
        assertAll(
                () -> assertEquals("${update.trigger}", xpath.evaluate("/server/applicationMonitor/@updateTrigger", server)),
                () -> assertEquals("${update.trigger}", xpath.evaluate("/server/config/@updateTrigger", server)),
                () -> assertTrue(image.stream().anyMatch(i -> i.toString().equals("ENV UPDATE_TRIGGER=disabled")),
                        "the image must set UPDATE_TRIGGER=disabled (Liberty's environment form of update.trigger)"));
    }

    @Test
    void carriesOciLabels() {
        String labels = image.stream().filter(i -> i.keyword().equals("LABEL")).map(Instruction::arguments)
                .reduce("", String::concat);
        assertAll(Stream.of("title", "description", "version", "revision", "source", "base.name")
                .map(label -> () -> assertTrue(labels.contains("org.opencontainers.image." + label + "="),
                        "the image lacks the label org.opencontainers.image." + label)));
    }

    @Test
    void theBuildContextHasWhatTheBuildNeedsAndNoBuildOutputNorGit() {
        List<String> patterns = Repository.read(Repository.ROOT.resolve(".dockerignore")).lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertAll(
                () -> assertTrue(patterns.containsAll(List.of(".git", "**/target")), ".dockerignore must leave out"
                        + " .git and **/target"),
                () -> assertAll(Stream.of("liberty", "mvnw", ".mvn", "pom.xml", "src").map(needed -> () -> assertFalse(
                        patterns.stream().anyMatch(pattern -> pattern.equals(needed) || pattern.equals("**/" + needed)),
                        ".dockerignore leaves out " + needed + ", which the build needs"))));
    }

    /**
     * Every image pinned in the repository is one that Renovate keeps current (renovate.json): the
     * Containerfile's (its dockerfile manager finds Containerfiles by default), those the manifests
     * deploy (its kubernetes manager, on the files it is given), and those OpenShift imports (a
     * custom manager whose pattern must match each of them).
     */
    @Test
    void renovateKeepsEveryImageCurrent() throws Exception {
        JsonNode renovate = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Repository.ROOT.resolve("renovate.json").toFile());
        List<java.util.regex.Pattern> kubernetes = new ArrayList<>();
        renovate.path("kubernetes").path("fileMatch").forEach(p -> kubernetes.add(java.util.regex.Pattern.compile(p.asText())));
        List<java.util.regex.Pattern> imports = new ArrayList<>();
        renovate.path("customManagers").forEach(m -> m.path("matchStrings").forEach(
                p -> imports.add(java.util.regex.Pattern.compile(p.asText()))));
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        for (Path file : Stream.of(Repository.KUSTOMIZE, Repository.OPENSHIFT).flatMap(dir -> Repository.filesEndingWith(
                dir, ".yaml")).filter(f -> !f.endsWith("template.yaml")).toList()) {
            String relative = Repository.relative(file);
            String text = Repository.read(file);
            if (text.lines().anyMatch(line -> line.matches("\\s*image: [a-z0-9.-]+\\.[a-z]+/\\S+"))) {
                checks.add(() -> assertTrue(kubernetes.stream().anyMatch(p -> p.matcher(relative).find()),
                        relative + " deploys an image that no kubernetes fileMatch of renovate.json covers"));
                // Renovate's kubernetes manager skips a file without both, such as a JSON patch.
                checks.add(() -> assertTrue(text.lines().anyMatch(line -> line.startsWith("apiVersion:"))
                        && text.lines().anyMatch(line -> line.startsWith("kind:")), relative + " deploys an image,"
                        + " but Renovate reads only files with apiVersion: and kind: (make it a strategic merge patch)"));
            }
            // Imports with a tag in the file; a canary's candidate (tag set by kustomize) is yours to set.
            long imported = java.util.regex.Pattern.compile("kind: DockerImage\\s+name: [^\\s#]+:[^\\s#]+")
                    .matcher(text).results().count();
            checks.add(() -> assertEquals(imported, imports.stream().mapToLong(p -> p.matcher(text).results().count())
                    .sum(), relative + ": each image an ImageStream imports must match renovate.json's customManagers"));
        }
        checks.add(() -> assertTrue(java.util.regex.Pattern.compile("(^|/|\\.)([Dd]ocker|[Cc]ontainer)file$")
                .matcher(Repository.relative(FILE)).find(), "Renovate's dockerfile manager must find the Containerfile"));
        assertAll(checks);
    }

    private static List<Instruction> instructions() {
        if (!Files.isRegularFile(FILE)) {
            fail("The Containerfile is missing at the repository root");
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Repository.read(FILE).lines().toList()) {
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
        return java.util.regex.Pattern.compile("\\$\\{(\\w+)}").matcher(text)
                .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(variables.getOrDefault(m.group(1), "")));
    }

    private static int indexOf(List<String> steps, String prefix) {
        return IntStream.range(0, steps.size()).filter(i -> steps.get(i).startsWith(prefix)).findFirst().orElse(-1);
    }

    private static Document xml(Path file) throws Exception {
        return DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder().parse(file.toFile());
    }
}
