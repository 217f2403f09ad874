package com.example.counter.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Where pods take their configuration from: environment variables, ConfigMaps and Secrets. */
final class PodConfiguration {

    /** A ConfigMap or Secret that a pod needs, with the key it reads, or none for the whole object. */
    record Reference(String kind, String name, Optional<String> key, String where) {
    }

    /**
     * An environment variable of a container: its value when the render holds it (a literal or a
     * ConfigMap entry), whether it comes from a Secret.
     */
    record Variable(String name, Optional<String> value, boolean fromSecret) {
    }

    private PodConfiguration() {
    }

    static List<Reference> references(Manifests.Workload workload) {
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
                if (source.getConfigMapRef() != null) {
                    references.add(new Reference("ConfigMap", source.getConfigMapRef().getName(), Optional.empty(),
                            where + " envFrom"));
                }
                if (source.getSecretRef() != null) {
                    references.add(new Reference("Secret", source.getSecretRef().getName(), Optional.empty(),
                            where + " envFrom"));
                }
            }
        }
        for (Volume volume : workload.pod().getVolumes()) {
            String where = workload + " volume " + volume.getName();
            if (volume.getConfigMap() != null) {
                add(references, "ConfigMap", volume.getConfigMap().getName(), volume.getConfigMap().getItems(), where);
            }
            if (volume.getSecret() != null) {
                add(references, "Secret", volume.getSecret().getSecretName(), volume.getSecret().getItems(), where);
            }
            if (volume.getProjected() != null) {
                for (VolumeProjection source : volume.getProjected().getSources()) {
                    if (source.getConfigMap() != null) {
                        add(references, "ConfigMap", source.getConfigMap().getName(), source.getConfigMap().getItems(),
                                where);
                    }
                    if (source.getSecret() != null) {
                        add(references, "Secret", source.getSecret().getName(), source.getSecret().getItems(), where);
                    }
                }
            }
        }
        return references;
    }

    private static void add(List<Reference> references, String kind, String name, List<KeyToPath> items, String where) {
        if (items.isEmpty()) {
            references.add(new Reference(kind, name, Optional.empty(), where));
        }
        items.forEach(item -> references.add(new Reference(kind, name, Optional.of(item.getKey()), where)));
    }

    /** The container's environment variables, including every entry of the ConfigMaps it takes whole. */
    static List<Variable> environment(Container container, Manifests manifests, OperatorProvided operatorProvided) {
        List<Variable> variables = new ArrayList<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            String prefix = source.getPrefix() == null ? "" : source.getPrefix();
            if (source.getConfigMapRef() != null) {
                manifests.configMap(source.getConfigMapRef().getName()).map(ConfigMap::getData)
                        .ifPresent(data -> data.forEach((key, value) ->
                                variables.add(new Variable(prefix + key, Optional.of(value), false))));
            }
            if (source.getSecretRef() != null) {
                String secret = source.getSecretRef().getName();
                manifests.secret(secret).ifPresentOrElse(
                        found -> found.getData().keySet().forEach(key ->
                                variables.add(new Variable(prefix + key, Optional.empty(), true))),
                        () -> operatorProvided.secretKeys(secret).forEach(key ->
                                variables.add(new Variable(prefix + key, Optional.empty(), true))));
            }
        }
        for (EnvVar variable : container.getEnv()) {
            var source = variable.getValueFrom();
            if (source == null) {
                variables.add(new Variable(variable.getName(), Optional.ofNullable(variable.getValue()), false));
            } else if (source.getConfigMapKeyRef() != null) {
                Optional<String> value = manifests.configMap(source.getConfigMapKeyRef().getName())
                        .map(configMap -> configMap.getData().get(source.getConfigMapKeyRef().getKey()));
                variables.add(new Variable(variable.getName(), value, false));
            } else {
                variables.add(new Variable(variable.getName(), Optional.empty(), source.getSecretKeyRef() != null));
            }
        }
        return variables;
    }
}
