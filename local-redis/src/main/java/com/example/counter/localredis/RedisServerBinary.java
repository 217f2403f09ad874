package com.example.counter.localredis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a {@code redis-server} executable without asking for a system-wide install.
 *
 * <p>In order: the {@code counter.redis-server} system property or {@code REDIS_SERVER} environment
 * variable; the binary that the {@code embedded-redis} jar from Maven Central ships for this
 * platform (so every machine runs the same Redis version); {@code redis-server} on the PATH.
 */
public final class RedisServerBinary {

    public static final String PROPERTY = "counter.redis-server";
    public static final String ENV = "REDIS_SERVER";

    private RedisServerBinary() {
    }

    /**
     * @param workDir where a bundled binary is unpacked (a build directory)
     */
    public static Path locate(Path workDir) {
        return explicit()
                .or(() -> bundled(workDir))
                .or(RedisServerBinary::onPath)
                .orElseThrow(() -> new IllegalStateException(
                        "No redis-server found: set -D" + PROPERTY + "=/path/to/redis-server or "
                                + ENV + ", or put redis-server on the PATH"));
    }

    private static Optional<Path> explicit() {
        String configured = Optional.ofNullable(System.getProperty(PROPERTY)).orElse(System.getenv(ENV));
        if (configured == null || configured.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(configured);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(PROPERTY + " points at " + path + ", which is not an executable file");
        }
        return Optional.of(path);
    }

    private static Optional<Path> bundled(Path workDir) {
        return bundledResourceName().flatMap(resource -> {
            try (InputStream in = RedisServerBinary.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    return Optional.empty();
                }
                Files.createDirectories(workDir);
                Path target = workDir.resolve(resource);
                if (!Files.isExecutable(target)) {
                    // Copy then rename, so a concurrent reader never sees a half-written binary.
                    Path partial = Files.createTempFile(workDir, "redis-server", ".partial");
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    if (!partial.toFile().setExecutable(true)) {
                        throw new IOException("cannot make " + partial + " executable");
                    }
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                return Optional.of(target);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack the bundled redis-server into " + workDir, e);
            }
        });
    }

    /** The embedded-redis jar names its binaries by OS and architecture. */
    static Optional<String> bundledResourceName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            return Optional.of("redis-server-6.2.6-v5-linux-amd64");
        }
        if (os.contains("linux") && arch.equals("aarch64")) {
            return Optional.of("redis-server-6.2.7-linux-arm64");
        }
        if (os.contains("mac") && arch.equals("aarch64")) {
            return Optional.of("redis-server-6.2.6-v5-darwin-arm64");
        }
        if (os.contains("mac")) {
            return Optional.of("redis-server-6.2.6-v5-darwin-amd64");
        }
        return Optional.empty();
    }

    private static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "redis-server"))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
