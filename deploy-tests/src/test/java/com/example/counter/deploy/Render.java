package com.example.counter.deploy;

import java.util.stream.Stream;

/**
 * A set of objects that someone deploys, as the tests check it: what {@code kubectl kustomize}
 * makes of an overlay and components ({@link Combination}), or the objects of the OpenShift
 * Template as {@code oc process} makes them ({@link ProcessedTemplate}).
 */
sealed interface Render permits Combination, ProcessedTemplate {

    /** Every render the manifest tests run over: each overlay combination, and the processed Template. */
    static Stream<Render> all() {
        return Stream.concat(Combination.all(), Stream.of(ProcessedTemplate.withSampleValues()));
    }

    /** The objects, parsed strictly; fails the test if rendering or parsing fails. */
    Manifests manifests();

    /** The Secrets that the operator creates before applying these objects. */
    OperatorProvided operatorProvided();

    /** Whether these objects are for OpenShift (Routes, builds, restricted-v2), not any Kubernetes. */
    boolean forOpenShift();
}
