package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the tools the tests need (kubectl, shellcheck, redis-cli), found on the PATH. */
final class Command {

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

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Drains the output streams: one thread each, so neither pipe can fill up and stall the process. */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "command-output");
        thread.setDaemon(true);
        return thread;
    });

    private Command() {
    }

    /**
     * The tool on the PATH, or a failed test that says how to get it.
     *
     * @param howToGetIt for the failure message, e.g. "apt-get install shellcheck"
     */
    static Path require(String tool, String howToGetIt) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseGet(() -> fail(tool + " is not on the PATH (" + path + "), and these tests need it."
                        + " To get it: " + howToGetIt + "."));
    }

    static Result run(Path tool, String... arguments) {
        return run(Map.of(), tool, arguments);
    }

    /** Runs the tool to the end, with {@code environment} added to this JVM's environment. */
    static Result run(Map<String, String> environment, Path tool, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> stdout = readFully(process.getInputStream());
            CompletableFuture<String> stderr = readFully(process.getErrorStream());
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            return new Result(List.copyOf(command), process.exitValue(), stdout.join(), stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }

    private static CompletableFuture<String> readFully(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, READERS);
    }
}
