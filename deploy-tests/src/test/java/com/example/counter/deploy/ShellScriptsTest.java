package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shell scripts under kustomize/ and openshift/ pass shellcheck: the Redis scripts (run in the
 * containers), the cluster smoke test, which cannot run here and so is at least linted, and the
 * Template's generator.
 */
class ShellScriptsTest {

    static Stream<Path> scripts() {
        return Stream.of(Repository.KUSTOMIZE, Repository.OPENSHIFT).flatMap(dir -> Repository.filesEndingWith(dir, ".sh"));
    }

    @Test
    void theSmokeTestTheRedisScriptsAndTheTemplateGeneratorAreFound() {
        assertTrue(scripts().anyMatch(script -> script.endsWith("smoke-test.sh")),
                "kustomize/smoke-test.sh is missing");
        assertTrue(scripts().anyMatch(script -> script.endsWith("redis-start.sh")), "redis-start.sh is missing");
        assertTrue(scripts().anyMatch(script -> script.endsWith("generate.sh")),
                "openshift/template/generate.sh is missing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void passesShellcheck(Path script) {
        Path shellcheck = Command.require("shellcheck", "apt-get install shellcheck");
        Command.Result result = Command.run(shellcheck, script.toString());
        assertTrue(result.succeeded(), Repository.relative(script) + " fails shellcheck:\n" + result.describe());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void isExecutableWithAShebang(Path script) {
        assertTrue(Files.isExecutable(script),
                Repository.relative(script) + " is not executable (git update-index --chmod=+x)");
        assertTrue(Repository.read(script).startsWith("#!/"), Repository.relative(script) + " has no #! line");
    }
}
