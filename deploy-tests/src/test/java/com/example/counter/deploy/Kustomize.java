package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;

/** kustomize as operators run it: {@code kubectl kustomize}, the engine behind {@code kubectl apply -k}. */
final class Kustomize {

    private Kustomize() {
    }

    /** The YAML that {@code kubectl apply -k dir} would send, or a failed test with kustomize's error. */
    static String build(Path dir) {
        Path kubectl = Command.require("kubectl",
                "install kubectl 1.27 or later (kustomize v5), as https://kubernetes.io/docs/tasks/tools/ explains");
        Command.Result result = Command.run(kubectl, "kustomize", dir.toString());
        if (!result.succeeded()) {
            fail("kustomize cannot render " + Repository.relative(dir) + ":\n" + result.describe());
        }
        return result.stdout();
    }
}
