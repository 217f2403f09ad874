package com.example.counter.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a {@code /metrics} endpoint in Prometheus' text format, parsed into samples, as
 * Prometheus reads it: a sample is a name, labels and a value.
 */
public final class Scrape {

    /** A sample line: name, optional {labels}, value (timestamps are not used by Liberty). */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+).*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final String text;
    private final List<Sample> samples = new ArrayList<>();

    public Scrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(4))));
        }
    }

    /** The whole text as scraped. */
    public String text() {
        return text;
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Every metric name with at least one sample. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(sample -> names.add(sample.name()));
        return names;
    }

    /**
     * The sum of the samples of this name whose labels include these (name, value, name, value...);
     * as PromQL's {@code sum(name{labels})}. Fails if there is none: a metric that is not exported
     * must not pass for a zero.
     */
    public double sum(String name, String... labels) {
        List<Sample> matching = samples.stream()
                .filter(sample -> sample.name().equals(name) && hasLabels(sample, labels))
                .toList();
        if (matching.isEmpty()) {
            throw new AssertionError("no sample " + name + " with labels " + List.of(labels) + " in the scrape");
        }
        return matching.stream().mapToDouble(Sample::value).sum();
    }

    private static boolean hasLabels(Sample sample, String... labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
