package com.example.counter.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How many connections to a local Redis have bytes it has not read yet, from the kernel's own
 * table (Linux): with Redis frozen, that is how many commands are waiting for it.
 */
final class RedisBacklog {

    private static final String ESTABLISHED = "01";

    private RedisBacklog() {
    }

    static int commandsWaitingAt(int port) {
        String localPort = ":" + String.format(Locale.ROOT, "%04X", port);
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/tcp"));
            int waiting = 0;
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                // fields: sl, local_address, rem_address, st, tx_queue:rx_queue, ...
                if (fields[1].endsWith(localPort) && fields[3].equals(ESTABLISHED)
                        && Long.parseLong(fields[4].split(":")[1], 16) > 0) {
                    waiting++;
                }
            }
            return waiting;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/net/tcp (this test needs Linux)", e);
        }
    }
}
