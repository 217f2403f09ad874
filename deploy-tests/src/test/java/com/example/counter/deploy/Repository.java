package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;

/** The files under test. Surefire runs in the module directory, so the repository is its parent. */
final class Repository {

    static final Path ROOT = locateRoot();
    static final Path KUSTOMIZE = ROOT.resolve("kustomize");
    static final Path OPENSHIFT = ROOT.resolve("openshift");
    /** Where tests write what they generate. */
    static final Path TARGET = Path.of("target").toAbsolutePath();

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

    /** The subdirectories of {@code dir} that hold a kustomization.yaml, sorted by name. */
    static Stream<Path> kustomizationsIn(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(child -> Files.isRegularFile(child.resolve("kustomization.yaml")))
                    .sorted()
                    .toList()
                    .stream();
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
            Document pom = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
                    .parse(ROOT.resolve("pom.xml").toFile());
            String value = XPathFactory.newDefaultInstance().newXPath().evaluate(xpath, pom).strip();
            if (value.isEmpty()) {
                fail("The root pom.xml has no " + xpath);
            }
            return value;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + xpath + " from the root pom.xml", e);
        }
    }

    /** A path as the repository knows it, for messages. */
    static String relative(Path path) {
        return ROOT.relativize(path.toAbsolutePath().normalize()).toString();
    }
}
