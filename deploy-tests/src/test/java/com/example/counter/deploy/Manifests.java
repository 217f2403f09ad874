package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

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
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Rendered Kubernetes and OpenShift objects, parsed strictly into the models (fabric8): a field the
 * API server would not know, or a value of the wrong type, fails the parse instead of being kept
 * aside. Also what the tests read from them: workloads, labels, images and pod configuration.
 */
final class Manifests {

    static final String NAME = "app.kubernetes.io/name";
    static final String INSTANCE = "app.kubernetes.io/instance";
    static final String COMPONENT = "app.kubernetes.io/component";
    static final String PART_OF = "app.kubernetes.io/part-of";
    static final String VERSION = "app.kubernetes.io/version";
    /** What every object carries. */
    static final Set<String> ON_EVERY_OBJECT = Set.of(NAME, INSTANCE, COMPONENT, PART_OF);
    /**
     * What selectors may use: labels that never change for the life of a workload. A Deployment's
     * selector is immutable, and one that named the version would have to change at each release.
     */
    static final Set<String> STABLE = Set.of(NAME, INSTANCE, COMPONENT);

    /** The Liberty container's public port: the API, the page, /openapi. */
    static final String HTTP_PORT = "http";
    /** The Liberty container's port for the platform: /health and /metrics, never behind a Service. */
    static final String MANAGEMENT_PORT = "management";

    /**
     * Where a public way in sends requests: an Ingress path, an OpenShift Route (or its alternate
     * backend), an HTTPRoute rule's backend. The Service's port, by name or by number.
     */
    record Backend(String where, String service, Optional<String> portName, Optional<Integer> portNumber) {

        /** Whether the Service port is the one this backend names. */
        boolean names(io.fabric8.kubernetes.api.model.ServicePort port) {
            return portName.map(name -> name.equals(port.getName()))
                    .or(() -> portNumber.map(number -> number.equals(port.getPort())))
                    .orElse(true);
        }

        String port() {
            return portName.or(() -> portNumber.map(String::valueOf)).orElse("(any)");
        }
    }

    /** Every backend of every Ingress, Route and HTTPRoute: where the public routing sends requests. */
    List<Backend> waysIn() {
        List<Backend> backends = new ArrayList<>();
        for (var ingress : all(io.fabric8.kubernetes.api.model.networking.v1.Ingress.class)) {
            ingress.getSpec().getRules().stream().flatMap(rule -> rule.getHttp().getPaths().stream()).forEach(path -> {
                var service = path.getBackend().getService();
                backends.add(new Backend(describe(ingress) + " path " + path.getPath(), service.getName(),
                        Optional.ofNullable(service.getPort().getName()), Optional.ofNullable(service.getPort().getNumber())));
            });
        }
        for (var route : all(io.fabric8.openshift.api.model.Route.class)) {
            Optional<IntOrString> port = Optional.ofNullable(route.getSpec().getPort()).map(p -> p.getTargetPort());
            Stream.concat(Stream.of(route.getSpec().getTo()), route.getSpec().getAlternateBackends().stream())
                    .forEach(to -> backends.add(new Backend(describe(route) + " to " + to.getName(), to.getName(),
                            port.map(IntOrString::getStrVal), port.map(IntOrString::getIntVal))));
        }
        for (var route : all(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)) {
            route.getSpec().getRules().forEach(rule -> rule.getBackendRefs().forEach(backend -> backends.add(new Backend(
                    describe(route) + " " + rule.getMatches(), backend.getName(), Optional.empty(),
                    Optional.ofNullable(backend.getPort())))));
        }
        return backends;
    }

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
            return imageTriggers(owner).stream().filter(trigger -> trigger.container().equals(container.getName()))
                    .map(ImageTrigger::imageStreamTag).findFirst().orElse(container.getImage());
        }

        boolean opens(IntOrString port) {
            return allContainers().stream().flatMap(c -> c.getPorts().stream()).anyMatch(p -> refersTo(port, p));
        }

        @Override
        public String toString() {
            return owner.getKind() + " " + name();
        }
    }

    /**
     * One entry of an {@code image.openshift.io/triggers} annotation: OpenShift sets the image of a
     * container from an ImageStreamTag ("stream:tag"), and again whenever the tag moves.
     */
    record ImageTrigger(String kind, String imageStreamTag, Optional<String> namespace, String container) {

        String imageStream() {
            return imageStreamTag.substring(0, Math.max(0, imageStreamTag.indexOf(':')));
        }
    }

    /** An environment variable of a container: its value when the render holds it, whether from a Secret. */
    record Variable(String name, Optional<String> value, boolean fromSecret) {
    }

    /** A ConfigMap or Secret that a pod needs, with the key it reads, or none for the whole object. */
    record Reference(String kind, String name, Optional<String> key, String where) {
    }

    static final String TRIGGERS = "image.openshift.io/triggers";
    /** The one field path form OpenShift accepts for a pod template: a container by its name. */
    private static final Pattern TRIGGER_PATH =
            Pattern.compile("spec\\.template\\.spec\\.containers\\[\\?\\(@\\.name==\"([^\"]+)\"\\)]\\.image");
    /** $(NAME) in an env value: Kubernetes puts in the value of the variable defined before it. */
    private static final Pattern DEPENDENT_VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** Parses objects already read as trees, such as a Template's. */
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

    /** The object, or a failed test. */
    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseGet(() -> fail("no " + type.getSimpleName() + " " + name));
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
        return workloads().stream().filter(workload -> matches(selector, workload.podLabels())).toList();
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

    /**
     * Whether the NetworkPolicies let the pods of {@code from} reach the pods of {@code to} on the
     * port that a container of {@code to} names so: a pod that no policy selects takes anything;
     * otherwise the rules of the policies that select it add up, each letting its peers in on its
     * ports (none listed: every port; no peer: everyone). Only peers of this namespace count here.
     */
    boolean mayReach(Workload from, Workload to, String portName) {
        Optional<ContainerPort> port = to.allContainers().stream().flatMap(c -> c.getPorts().stream())
                .filter(p -> portName.equals(p.getName())).findFirst();
        if (port.isEmpty()) {
            return false;
        }
        List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy> policies =
                all(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).stream()
                        .filter(policy -> policy.getSpec().getPolicyTypes().isEmpty()
                                || policy.getSpec().getPolicyTypes().contains("Ingress"))
                        .filter(policy -> selects(policy.getSpec().getPodSelector(), to.podLabels())).toList();
        return policies.isEmpty() || policies.stream().flatMap(policy -> policy.getSpec().getIngress().stream())
                .anyMatch(rule -> (rule.getPorts().isEmpty() || rule.getPorts().stream()
                        .anyMatch(p -> p.getPort() == null || refersTo(p.getPort(), port.get())))
                        && (rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(peer ->
                                peer.getNamespaceSelector() == null && peer.getIpBlock() == null
                                        && selects(peer.getPodSelector(), from.podLabels()))));
    }

    /** A label selector as the API server reads it: an empty one selects every pod. */
    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        return selector != null && (selector.getMatchLabels().isEmpty() && selector.getMatchExpressions().isEmpty()
                || matches(selector.getMatchLabels(), labels));
    }

    /** Whether every label of the selector is among the labels; an empty selector matches nothing here. */
    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    /** The selector's matchLabels; these manifests use no matchExpressions, so any is an error. */
    static Map<String, String> selector(LabelSelector selector, String where) {
        if (selector == null) {
            return fail(where + " has no label selector");
        }
        if (!selector.getMatchExpressions().isEmpty()) {
            fail(where + " uses matchExpressions; these tests (and readers) expect plain matchLabels");
        }
        return selector.getMatchLabels();
    }

    static boolean refersTo(IntOrString reference, ContainerPort port) {
        return reference.getStrVal() != null
                ? reference.getStrVal().equals(port.getName())
                : reference.getIntVal().equals(port.getContainerPort());
    }

    static String show(IntOrString port) {
        return port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
    }

    /** The image reference without tag and digest, e.g. docker.io/library/redis. */
    static String repository(String image) {
        String name = image.split("@", 2)[0];
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }

    static Optional<String> tag(String image) {
        String name = image.split("@", 2)[0];
        String repository = repository(image);
        return name.length() > repository.length() ? Optional.of(name.substring(repository.length() + 1)) : Optional.empty();
    }

    /** Whether the reference names one build: a digest, or a tag other than latest. */
    static boolean isPinned(String image) {
        return image.contains("@sha256:") || tag(image).filter(tag -> !tag.equals("latest")).isPresent();
    }

    /** The object's image triggers, none without the annotation; a malformed annotation fails the test. */
    static List<ImageTrigger> imageTriggers(HasMetadata object) {
        String value = object.getMetadata().getAnnotations().get(TRIGGERS);
        if (value == null) {
            return List.of();
        }
        String where = describe(object) + " annotation " + TRIGGERS;
        JsonNode triggers = json(value, where);
        if (!triggers.isArray()) {
            fail(where + " must be a JSON array");
        }
        return StreamSupport.stream(triggers.spliterator(), false).map(trigger -> {
            Matcher path = TRIGGER_PATH.matcher(trigger.path("fieldPath").asText());
            if (!path.matches()) {
                fail(where + ": fieldPath " + trigger.path("fieldPath") + " must name a container as"
                        + " spec.template.spec.containers[?(@.name==\"NAME\")].image");
            }
            JsonNode from = trigger.path("from");
            return new ImageTrigger(from.path("kind").asText(), from.path("name").asText(),
                    Optional.ofNullable(from.get("namespace")).map(JsonNode::asText), path.group(1));
        }).toList();
    }

    /** The image that the ImageStreamTag ("stream:tag") imports, if it is imported rather than built. */
    static Optional<String> importedImage(Manifests manifests, String imageStreamTag) {
        String[] parts = imageStreamTag.split(":", 2);
        return manifests.find(io.fabric8.openshift.api.model.ImageStream.class, parts[0]).stream()
                .flatMap(stream -> Optional.ofNullable(stream.getSpec()).stream())
                .flatMap(spec -> spec.getTags().stream())
                .filter(tag -> parts.length == 2 && tag.getName().equals(parts[1]) && tag.getFrom() != null
                        && "DockerImage".equals(tag.getFrom().getKind()))
                .map(tag -> tag.getFrom().getName()).findFirst();
    }

    static JsonNode json(String value, String where) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return fail(where + " is not JSON: " + e.getMessage());
        }
    }

    /**
     * The container's environment as the kubelet makes it: every entry of the ConfigMaps and
     * Secrets it takes whole, then its env entries, where $(NAME) takes the value of a variable
     * defined before. A later definition of a name replaces an earlier one.
     */
    List<Variable> environment(Container container, Render.OperatorProvided operatorProvided) {
        Map<String, Variable> variables = new LinkedHashMap<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            String prefix = source.getPrefix() == null ? "" : source.getPrefix();
            if (source.getConfigMapRef() != null) {
                configMap(source.getConfigMapRef().getName()).map(ConfigMap::getData).ifPresent(data -> data.forEach(
                        (key, value) -> variables.put(prefix + key, new Variable(prefix + key, Optional.of(value), false))));
            }
            if (source.getSecretRef() != null) {
                String name = source.getSecretRef().getName();
                secret(name).map(secret -> secret.getData().keySet()).orElse(operatorProvided.secretKeys(name))
                        .forEach(key -> variables.put(prefix + key, new Variable(prefix + key, Optional.empty(), true)));
            }
        }
        for (EnvVar variable : container.getEnv()) {
            var source = variable.getValueFrom();
            Optional<String> value;
            if (source == null) {
                value = Optional.ofNullable(variable.getValue()).map(v -> DEPENDENT_VARIABLE.matcher(v).replaceAll(
                        reference -> Matcher.quoteReplacement(Optional.ofNullable(variables.get(reference.group(1)))
                                .flatMap(Variable::value).orElse(reference.group()))));
            } else if (source.getConfigMapKeyRef() != null) {
                value = configMap(source.getConfigMapKeyRef().getName())
                        .map(configMap -> configMap.getData().get(source.getConfigMapKeyRef().getKey()));
            } else {
                value = Optional.empty();
            }
            variables.put(variable.getName(), new Variable(variable.getName(), value,
                    source != null && source.getSecretKeyRef() != null));
        }
        return new ArrayList<>(variables.values());
    }

    /** The variables that $(NAME) references in the container's env values use. */
    static Set<String> dependencies(Container container) {
        Set<String> names = new java.util.TreeSet<>();
        container.getEnv().stream().filter(variable -> variable.getValue() != null).forEach(variable -> {
            Matcher reference = DEPENDENT_VARIABLE.matcher(variable.getValue());
            while (reference.find()) {
                names.add(reference.group(1));
            }
        });
        return names;
    }

    /** The ConfigMaps and Secrets, and their keys, that the workload's pods need (optional ones are not). */
    static List<Reference> references(Workload workload) {
        List<Reference> references = new ArrayList<>();
        for (Container container : workload.allContainers()) {
            String where = workload + " container " + container.getName();
            for (EnvVar variable : container.getEnv()) {
                var source = variable.getValueFrom();
                if (source != null && source.getConfigMapKeyRef() != null) {
                    references.add(new Reference("ConfigMap", source.getConfigMapKeyRef().getName(),
                            Optional.of(source.getConfigMapKeyRef().getKey()), where + " env " + variable.getName()));
                }
                if (source != null && source.getSecretKeyRef() != null) {
                    references.add(new Reference("Secret", source.getSecretKeyRef().getName(),
                            Optional.of(source.getSecretKeyRef().getKey()), where + " env " + variable.getName()));
                }
            }
            for (EnvFromSource source : container.getEnvFrom()) {
                if (source.getConfigMapRef() != null && !Boolean.TRUE.equals(source.getConfigMapRef().getOptional())) {
                    references.add(new Reference("ConfigMap", source.getConfigMapRef().getName(), Optional.empty(),
                            where + " envFrom"));
                }
                if (source.getSecretRef() != null) {
                    references.add(new Reference("Secret", source.getSecretRef().getName(), Optional.empty(),
                            where + " envFrom"));
                }
            }
        }
        workload.pod().getVolumes().forEach(volume -> {
            String where = workload + " volume " + volume.getName();
            if (volume.getConfigMap() != null) {
                references.add(new Reference("ConfigMap", volume.getConfigMap().getName(), Optional.empty(), where));
                volume.getConfigMap().getItems().forEach(item -> references.add(new Reference("ConfigMap",
                        volume.getConfigMap().getName(), Optional.of(item.getKey()), where)));
            }
            if (volume.getSecret() != null) {
                references.add(new Reference("Secret", volume.getSecret().getSecretName(), Optional.empty(), where));
                volume.getSecret().getItems().forEach(item -> references.add(new Reference("Secret",
                        volume.getSecret().getSecretName(), Optional.of(item.getKey()), where)));
            }
        });
        return references;
    }

    /** A Secret's keys, from data and stringData. */
    static Map<String, String> keysOf(Secret secret) {
        Map<String, String> keys = new HashMap<>(secret.getData());
        keys.putAll(secret.getStringData());
        return keys;
    }
}
