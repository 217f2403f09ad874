package com.example.counter.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A short command run to its end, such as {@code ip} or {@code redis-cli}: its exit code and output. */
record Cmd(int exit, String output) {

    /** Runs it with {@code env} added to this JVM's environment; its output is stdout and stderr together. */
    static Cmd run(Map<String, String> env, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 30 s");
            }
            return new Cmd(process.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    static Cmd run(String... command) {
        return run(Map.of(), List.of(command));
    }

    /** Runs it and fails, with what it printed, unless it succeeds. */
    static String ok(String... command) {
        Cmd result = run(command);
        if (result.exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + result.exit + ": " + result.output);
        }
        return result.output;
    }
}
