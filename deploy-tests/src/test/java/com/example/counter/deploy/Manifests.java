package com.example.counter.deploy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Rendered Kubernetes and OpenShift objects, parsed strictly into the models (fabric8): a field the
 * API server would not know, or a value of the wrong type, fails the parse instead of being kept
 * aside.
 */
final class Manifests {

    /** A Deployment or StatefulSet: what owns pods. */
    record Workload(HasMetadata owner, LabelSelector selector, PodTemplateSpec template) {

        String name() {
            return owner.getMetadata().getName();
        }

        PodSpec pod() {
            return template.getSpec();
        }

        Map<String, String> podLabels() {
            return template.getMetadata().getLabels();
        }

        /** The containers and init containers. */
        List<Container> allContainers() {
            return Stream.concat(pod().getInitContainers().stream(), pod().getContainers().stream()).toList();
        }

        /**
         * The image the container runs: the ImageStreamTag ("stream:tag") where an OpenShift image
         * trigger sets it, otherwise the image the manifest names.
         */
        String image(Container container) {
            return ImageTrigger.of(owner).stream()
                    .filter(trigger -> trigger.container().equals(container.getName()))
                    .map(ImageTrigger::imageStreamTag)
                    .findFirst()
                    .orElse(container.getImage());
        }

        @Override
        public String toString() {
            return owner.getKind() + " " + name();
        }
    }

    private static final ObjectMapper STRICT = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            // "replicas: '2'" is an error for the API server, so it is one here.
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .addModule(new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(
                        DeserializationConfig config, BeanDescription bean, BeanDeserializerBuilder builder) {
                    // The model keeps unknown fields in an "additionalProperties" map. Without that
                    // catch-all, an unknown field is an error that names it and its path.
                    if (KubernetesResource.class.isAssignableFrom(bean.getBeanClass())) {
                        builder.setAnySetter(null);
                    }
                    return builder;
                }
            }))
            .build();

    /** Knows which model class has which apiVersion and kind. */
    private static final KubernetesDeserializer KINDS = new KubernetesDeserializer();

    private final List<HasMetadata> objects;

    private Manifests(List<HasMetadata> objects) {
        this.objects = List.copyOf(objects);
    }

    /**
     * Parses a multi-document YAML stream.
     *
     * @throws IllegalArgumentException naming the object and the field that does not fit the model
     */
    static Manifests parse(String yaml) {
        try {
            return parse(STRICT.readValues(STRICT.createParser(yaml), JsonNode.class).readAll());
        } catch (IOException e) {
            throw new IllegalArgumentException("Not YAML: " + e.getMessage(), e);
        }
    }

    /**
     * Parses objects already read as trees, such as a Template's.
     *
     * @throws IllegalArgumentException naming the object and the field that does not fit the model
     */
    static Manifests parse(List<JsonNode> documents) {
        return new Manifests(documents.stream().filter(document -> !document.isNull()).map(Manifests::parse).toList());
    }

    /** One object, such as a Template, parsed strictly into its model class. */
    static <T extends HasMetadata> T parse(JsonNode tree, Class<T> type) {
        try {
            return STRICT.treeToValue(tree, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(type.getSimpleName() + " does not fit its model: " + e.getMessage(), e);
        }
    }

    private static HasMetadata parse(JsonNode document) {
        String apiVersion = document.path("apiVersion").asText();
        String kind = document.path("kind").asText();
        String name = kind + " " + document.path("metadata").path("name").asText("(no name)");
        Class<? extends KubernetesResource> type = KINDS.getRegisteredKind(apiVersion, kind);
        if (type == null || !HasMetadata.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(name + ": apiVersion " + apiVersion + " kind " + kind
                    + " is in neither the Kubernetes nor the OpenShift model");
        }
        try {
            return (HasMetadata) STRICT.treeToValue(document, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + " does not fit the Kubernetes model: " + e.getMessage(), e);
        }
    }

    /** "Kind name", for messages. */
    static String describe(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }

    List<HasMetadata> all() {
        return objects;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(object -> object.getMetadata().getName().equals(name)).findFirst();
    }

    List<Workload> workloads() {
        Stream<Workload> deployments = all(Deployment.class).stream()
                .map(d -> new Workload(d, d.getSpec().getSelector(), d.getSpec().getTemplate()));
        Stream<Workload> statefulSets = all(StatefulSet.class).stream()
                .map(s -> new Workload(s, s.getSpec().getSelector(), s.getSpec().getTemplate()));
        return Stream.concat(deployments, statefulSets).toList();
    }

    /** The workloads whose pods the selector picks. */
    List<Workload> selectedBy(Map<String, String> selector) {
        return workloads().stream().filter(workload -> Labels.matches(selector, workload.podLabels())).toList();
    }

    Optional<ConfigMap> configMap(String name) {
        return find(ConfigMap.class, name);
    }

    Optional<Secret> secret(String name) {
        return find(Secret.class, name);
    }

    Optional<Service> service(String name) {
        return find(Service.class, name);
    }
}
