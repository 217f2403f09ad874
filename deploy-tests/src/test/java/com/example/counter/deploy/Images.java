package com.example.counter.deploy;

import java.util.Optional;

/** Container image references: registry/repository[:tag][@digest]. */
final class Images {

    private Images() {
    }

    /** The reference without tag and digest, e.g. docker.io/library/redis. */
    static String repository(String image) {
        String name = image.split("@", 2)[0];
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }

    static Optional<String> tag(String image) {
        String name = image.split("@", 2)[0];
        return name.length() > repository(image).length()
                ? Optional.of(name.substring(repository(image).length() + 1))
                : Optional.empty();
    }

    /** Whether the reference names one build: a digest, or a tag other than latest. */
    static boolean isPinned(String image) {
        return image.contains("@sha256:") || tag(image).filter(tag -> !tag.equals("latest")).isPresent();
    }
}
