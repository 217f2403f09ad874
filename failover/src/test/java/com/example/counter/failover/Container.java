package com.example.counter.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One container of a pod: a command run inside the pod's namespace ({@code ip netns exec}), restarted
 * a second after it exits on its own, as the kubelet restarts a container (a script that refuses to
 * start, for instance, is tried again). A kill by the test keeps it down until it is started again,
 * as when the pod's node dies.
 */
final class Container {

    private static final long RESTART_DELAY_MS = 1000;

    private final String name;
    private final String namespace;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private boolean wanted;
    private int starts;
    private Thread supervisor;

    Container(String name, String namespace, List<String> command, Map<String, String> env, Path log) {
        this.name = name;
        this.namespace = namespace;
        this.command = command;
        this.env = env;
        this.log = log;
    }

    synchronized void start() {
        if (wanted) {
            return;
        }
        wanted = true;
        launch();
        supervisor = new Thread(this::supervise, "supervisor " + name);
        supervisor.setDaemon(true);
        supervisor.start();
    }

    private void supervise() {
        while (true) {
            Process current;
            synchronized (this) {
                if (!wanted) {
                    return;
                }
                current = process;
            }
            int exit;
            try {
                exit = current.waitFor();
                Thread.sleep(RESTART_DELAY_MS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (!wanted || process != current) {
                    return;
                }
                note("exited with " + exit + ", restarting it");
                launch();
            }
        }
    }

    private void launch() {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            note("start " + ++starts);
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** SIGKILL to the container's processes; it stays down until {@link #start()}. */
    void kill() {
        Process current;
        synchronized (this) {
            wanted = false;
            current = process;
            if (supervisor != null) {
                supervisor.interrupt();
            }
        }
        if (current == null) {
            return;
        }
        tree(current).forEach(ProcessHandle::destroyForcibly);
        try {
            if (!current.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " outlived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        note("killed");
    }

    /** SIGSTOP: the process hangs, its sockets open (a stalled node, a long GC-like pause). */
    void freeze() {
        signal("STOP");
    }

    void thaw() {
        signal("CONT");
    }

    private void signal(String signal) {
        Process current;
        synchronized (this) {
            current = process;
        }
        List<String> kill = new ArrayList<>(List.of("kill", "-" + signal));
        tree(current).forEach(p -> kill.add(Long.toString(p.pid())));
        Cmd.ok(kill.toArray(String[]::new));
        note("SIG" + signal);
    }

    synchronized boolean running() {
        return wanted && process != null && process.isAlive();
    }

    /** How often it was started, restarts by the supervisor included. */
    synchronized int starts() {
        return starts;
    }

    private static Stream<ProcessHandle> tree(Process process) {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants());
    }

    /** A line in the container's log, so that its output reads against what the test did to it. */
    private void note(String what) {
        try {
            Files.writeString(log, "---- " + Instant.now() + " test: " + name + " " + what + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
