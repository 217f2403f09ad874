package com.example.counter.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Liberty server with web-inc in Sentinel mode, which the build created (failover/pom.xml) and
 * the tests start and stop themselves: one case starts it while no sentinel is up.
 */
final class LibertyServer {

    private static final Path WLP = Path.of(System.getProperty("counter.test.wlp-dir", "target/liberty/wlp"));
    private static final String SERVER = System.getProperty("counter.test.server", "counter-failover-it");

    private boolean running;

    synchronized boolean running() {
        return running;
    }

    synchronized void start() {
        if (!running) {
            run("start");
            running = true;
        }
    }

    synchronized void stop() {
        run("stop");
        running = false;
    }

    private static void run(String action) {
        ProcessBuilder command = new ProcessBuilder(WLP.resolve("bin/server").toString(), action, SERVER)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(WLP.resolve("usr/servers/" + SERVER + ".out").toFile()));
        command.environment().put("JAVA_HOME", System.getProperty("java.home"));
        try {
            Process process = command.start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("server " + action + " " + SERVER + " did not finish in 2 minutes");
            }
            // 1: "server stop" of a server that is not running, which is fine.
            if (process.exitValue() != 0 && !(action.equals("stop") && process.exitValue() == 1)) {
                throw new IllegalStateException("server " + action + " " + SERVER + " exited " + process.exitValue()
                        + " (see " + WLP.resolve("usr/servers/" + SERVER + ".out") + " and its logs)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run server " + action, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
