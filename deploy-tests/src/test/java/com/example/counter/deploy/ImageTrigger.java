package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * One entry of an {@code image.openshift.io/triggers} annotation: OpenShift sets the image of a
 * container of the workload's pod template from an ImageStreamTag, and again whenever the tag
 * moves to a new image.
 *
 * @param kind what the image comes from; OpenShift accepts only ImageStreamTag
 * @param imageStreamTag "stream:tag"
 * @param namespace where the ImageStream is; empty for the workload's own namespace
 * @param container the container whose image the trigger sets, from the fieldPath
 */
record ImageTrigger(String kind, String imageStreamTag, Optional<String> namespace, String container) {

    static final String ANNOTATION = "image.openshift.io/triggers";

    /** The one field path form OpenShift accepts for a pod template: a container by its name. */
    private static final Pattern FIELD_PATH =
            Pattern.compile("spec\\.template\\.spec\\.containers\\[\\?\\(@\\.name==\"([^\"]+)\"\\)]\\.image");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The object's triggers, none without the annotation; a malformed annotation fails the test. */
    static List<ImageTrigger> of(HasMetadata object) {
        String value = object.getMetadata().getAnnotations().get(ANNOTATION);
        if (value == null) {
            return List.of();
        }
        String where = Manifests.describe(object) + " annotation " + ANNOTATION;
        JsonNode triggers;
        try {
            triggers = JSON.readTree(value);
        } catch (IOException e) {
            return fail(where + " is not JSON: " + e.getMessage());
        }
        if (!triggers.isArray()) {
            fail(where + " must be a JSON array");
        }
        return StreamSupport.stream(triggers.spliterator(), false).map(trigger -> {
            Matcher path = FIELD_PATH.matcher(trigger.path("fieldPath").asText());
            if (!path.matches()) {
                fail(where + ": fieldPath " + trigger.path("fieldPath") + " must name a container as"
                        + " spec.template.spec.containers[?(@.name==\"NAME\")].image");
            }
            JsonNode from = trigger.path("from");
            return new ImageTrigger(from.path("kind").asText(), from.path("name").asText(),
                    Optional.ofNullable(from.get("namespace")).map(JsonNode::asText), path.group(1));
        }).toList();
    }

    /** The ImageStream's name, before the ':' of the tag. */
    String imageStream() {
        return imageStreamTag.substring(0, Math.max(0, imageStreamTag.indexOf(':')));
    }
}
