package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;

/**
 * The files under test and the tools that read them (kubectl, shellcheck, redis-cli, found on the
 * PATH). Surefire runs in the module directory, so the repository is its parent.
 */
final class Repository {

    static final Path ROOT = locateRoot();
    static final Path KUSTOMIZE = ROOT.resolve("kustomize");
    static final Path OPENSHIFT = ROOT.resolve("openshift");
    /** Where tests write what they generate. */
    static final Path TARGET = Path.of("target").toAbsolutePath();

    /** What a finished command printed, and how it exited. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        boolean succeeded() {
            return exitCode == 0;
        }

        String describe() {
            return String.join(" ", command) + " exited with " + exitCode
                    + (stdout.isBlank() ? "" : "\n--- stdout\n" + stdout.strip())
                    + (stderr.isBlank() ? "" : "\n--- stderr\n" + stderr.strip());
        }
    }

    private Repository() {
    }

    private static Path locateRoot() {
        Path root = Path.of("").toAbsolutePath().getParent();
        if (root == null || !Files.isDirectory(root.resolve("kustomize/base"))) {
            throw new IllegalStateException("Run the tests from the deploy-tests directory (as Maven does): its"
                    + " parent must hold kustomize/base, but the working directory is " + Path.of("").toAbsolutePath());
        }
        return root;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files under {@code dir}, at any depth, whose name ends with {@code suffix}, sorted. */
    static Stream<Path> filesEndingWith(Path dir, String suffix) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value from the root pom, such as {@code /project/version}. */
    static String pom(String xpath) {
        try {
            var pom = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
                    .parse(ROOT.resolve("pom.xml").toFile());
            String value = XPathFactory.newDefaultInstance().newXPath().evaluate(xpath, pom).strip();
            return value.isEmpty() ? fail("The root pom.xml has no " + xpath) : value;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + xpath + " from the root pom.xml", e);
        }
    }

    /** A path as the repository knows it, for messages. */
    static String relative(Path path) {
        return ROOT.relativize(path.toAbsolutePath().normalize()).toString();
    }

    /** The YAML that {@code kubectl apply -k dir} would send, or a failed test with kustomize's error. */
    static String kustomize(Path dir) {
        Result result = run(Map.of(), tool("kubectl", "install kubectl 1.27 or later (kustomize v5)"),
                "kustomize", dir.toString());
        return result.succeeded() ? result.stdout() : fail("kustomize cannot render " + relative(dir) + ":\n"
                + result.describe());
    }

    /**
     * The tool on the PATH, or a failed test that says how to get it.
     *
     * @param howToGetIt for the failure message, e.g. "apt-get install shellcheck"
     */
    static Path tool(String name, String howToGetIt) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst()
                .orElseGet(() -> fail(name + " is not on the PATH (" + path + "), and these tests need it: "
                        + howToGetIt + "."));
    }

    /** Runs the program to the end (at most a minute), with {@code environment} added to this JVM's. */
    static Result run(Map<String, String> environment, Path program, String... arguments) {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // Both streams drained at once, so neither pipe can fill up and stall the process.
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish within a minute");
            }
            return new Result(List.copyOf(command), process.exitValue(), stdout.join(), stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }

    private static String drain(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
