package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Map;
import java.util.Set;

/** The recommended labels (app.kubernetes.io/*) and label selectors. */
final class Labels {

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

    private Labels() {
    }

    /** Whether every label of the selector is among the labels; an empty selector matches nothing here. */
    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    /** The selector's matchLabels; these manifests use no matchExpressions, so any is an error. */
    static Map<String, String> of(LabelSelector selector, String where) {
        if (selector == null) {
            return fail(where + " has no label selector");
        }
        if (!selector.getMatchExpressions().isEmpty()) {
            fail(where + " uses matchExpressions; these tests (and readers) expect plain matchLabels");
        }
        return selector.getMatchLabels();
    }
}
