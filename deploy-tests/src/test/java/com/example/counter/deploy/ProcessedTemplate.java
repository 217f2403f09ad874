package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.openshift.api.model.Parameter;
import io.fabric8.openshift.api.model.Template;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * The objects of openshift/template.yaml as {@code oc process} (and the console's form) makes them
 * from the given parameter values: each parameter takes the given value, else its default, else a
 * generated one; then {@code ${{NAME}}} as a whole value becomes that value as JSON (a number),
 * and {@code ${NAME}} within a string is replaced. References to undeclared names stay as they
 * are, as OpenShift leaves them.
 */
record ProcessedTemplate(Map<String, String> givenValues) implements Render {

    static final Path FILE = Repository.OPENSHIFT.resolve("template.yaml");

    /** What OpenShift substitutes: a whole value, as JSON; a name within a string. */
    private static final Pattern WHOLE_VALUE = Pattern.compile("^\\$\\{\\{([a-zA-Z0-9_]+)}}$");
    private static final Pattern WITHIN_STRING = Pattern.compile("\\$\\{([a-zA-Z0-9_]+)}");
    /** Anything that reads as a reference, to find those that name no parameter. */
    private static final Pattern ANY_REFERENCE = Pattern.compile("\\$\\{\\{?([A-Za-z0-9_]+)}}?");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Random RANDOM = new SecureRandom();
    /** Processed once per set of given values, so the generated ones stay the same for the run. */
    private static final Map<Map<String, String>, Map<String, String>> VALUES = new ConcurrentHashMap<>();
    private static final Map<Map<String, String>, Manifests> PROCESSED = new ConcurrentHashMap<>();

    /** As the console's form, filled in with only what it requires: the Git repository. */
    static ProcessedTemplate withSampleValues() {
        return new ProcessedTemplate(Map.of("GIT_URL", "https://git.example.com/your-team/counter.git"));
    }

    /**
     * The Template as its file has it, parsed strictly into the OpenShift model, but for its
     * objects: with their placeholders, such as {@code ${{REPLICAS}}} where a number belongs, they
     * are not yet valid. They are parsed strictly once processed ({@link #manifests()}).
     */
    static Template template() {
        ObjectNode withoutObjects = ((ObjectNode) tree(FILE)).without("objects");
        try {
            return Manifests.parse(withoutObjects, Template.class);
        } catch (IllegalArgumentException e) {
            return fail(Repository.relative(FILE) + " is not a valid Template: " + e.getMessage(), e);
        }
    }

    /** The Template as a tree, as the tests compare it. */
    static JsonNode tree(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** The names that {@code ${NAME}} or {@code ${{NAME}}} refer to anywhere under the node. */
    static Set<String> references(JsonNode node) {
        Set<String> names = new TreeSet<>();
        if (node.isTextual()) {
            Matcher reference = ANY_REFERENCE.matcher(node.asText());
            while (reference.find()) {
                names.add(reference.group(1));
            }
        }
        node.forEach(child -> names.addAll(references(child)));
        return names;
    }

    /** Every parameter's value: given, else the default, else generated; a missing required one fails. */
    Map<String, String> values() {
        return VALUES.computeIfAbsent(givenValues, ProcessedTemplate::resolve);
    }

    private static Map<String, String> resolve(Map<String, String> givenValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Parameter parameter : template().getParameters()) {
            String value = givenValues.get(parameter.getName());
            if (value == null || value.isEmpty()) {
                value = parameter.getValue();
            }
            if ((value == null || value.isEmpty()) && "expression".equals(parameter.getGenerate())) {
                value = generate(parameter.getFrom());
            }
            if ((value == null || value.isEmpty()) && Boolean.TRUE.equals(parameter.getRequired())) {
                fail("The Template's parameter " + parameter.getName() + " is required, and has no value");
            }
            values.put(parameter.getName(), value == null ? "" : value);
        }
        return Map.copyOf(values);
    }

    /** The instantiation message, with the values in it. */
    String message() {
        return substitute(TextNode.valueOf(template().getMessage()), values()).asText();
    }

    @Override
    public Manifests manifests() {
        return PROCESSED.computeIfAbsent(givenValues, given -> {
            Map<String, String> values = values();
            List<JsonNode> objects = StreamSupport.stream(tree(FILE).path("objects").spliterator(), false)
                    .map(object -> substitute(object, values)).toList();
            try {
                return Manifests.parse(objects);
            } catch (IllegalArgumentException e) {
                return fail(this + " gives objects that are not valid: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public Render.OperatorProvided operatorProvided() {
        return Render.OperatorProvided.nothing(); // the Template creates its Secret too
    }

    @Override
    public boolean forOpenShift() {
        return true;
    }

    private static JsonNode substitute(JsonNode node, Map<String, String> values) {
        if (node.isTextual()) {
            Matcher whole = WHOLE_VALUE.matcher(node.asText());
            if (whole.matches() && values.containsKey(whole.group(1))) {
                return asJson(values.get(whole.group(1)));
            }
            return TextNode.valueOf(WITHIN_STRING.matcher(node.asText()).replaceAll(reference ->
                    Matcher.quoteReplacement(values.getOrDefault(reference.group(1), reference.group()))));
        }
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            node.properties().forEach(field -> copy.set(field.getKey(), substitute(field.getValue(), values)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(item -> copy.add(substitute(item, values)));
            return copy;
        }
        return node;
    }

    /** The value as JSON when it is JSON (2, true), as a string otherwise, as OpenShift does. */
    private static JsonNode asJson(String value) {
        try {
            JsonNode json = JSON.readTree(value);
            return json == null || json.isMissingNode() ? TextNode.valueOf(value) : json;
        } catch (IOException e) {
            return TextNode.valueOf(value);
        }
    }

    /**
     * A value from a generator expression, as OpenShift makes one: each [class] (ranges such as
     * a-z, and \w, \d, \a) optionally followed by {count} gives that many random characters of the
     * class; any other character stands for itself.
     */
    static String generate(String expression) {
        StringBuilder value = new StringBuilder();
        int i = 0;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (c != '[') {
                if (c == '{' || c == ']' || c == '\\') {
                    fail("The generator expression '" + expression + "' uses '" + c + "' outside a [class]");
                }
                value.append(c);
                i++;
                continue;
            }
            int end = expression.indexOf(']', i);
            if (end < 0) {
                fail("The generator expression '" + expression + "' has an unclosed '['");
            }
            String characters = characterClass(expression.substring(i + 1, end), expression);
            i = end + 1;
            int count = 1;
            if (i < expression.length() && expression.charAt(i) == '{') {
                int close = expression.indexOf('}', i);
                count = Integer.parseInt(expression.substring(i + 1, close));
                i = close + 1;
            }
            for (int n = 0; n < count; n++) {
                value.append(characters.charAt(RANDOM.nextInt(characters.length())));
            }
        }
        return value.toString();
    }

    private static String characterClass(String spec, String expression) {
        Map<String, String> shorthands = new HashMap<>(Map.of(
                "\\d", "0123456789",
                "\\a", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"));
        shorthands.put("\\w", shorthands.get("\\a") + shorthands.get("\\d") + "_");
        StringBuilder characters = new StringBuilder();
        int i = 0;
        while (i < spec.length()) {
            if (spec.charAt(i) == '\\' && i + 1 < spec.length()) {
                String shorthand = shorthands.get(spec.substring(i, i + 2));
                if (shorthand == null) {
                    fail("The generator expression '" + expression + "' uses " + spec.substring(i, i + 2)
                            + ", which these tests do not know");
                }
                characters.append(shorthand);
                i += 2;
            } else if (i + 2 < spec.length() && spec.charAt(i + 1) == '-') {
                for (char c = spec.charAt(i); c <= spec.charAt(i + 2); c++) {
                    characters.append(c);
                }
                i += 3;
            } else {
                characters.append(spec.charAt(i++));
            }
        }
        return characters.toString();
    }

    @Override
    public String toString() {
        return Repository.relative(FILE) + " processed with " + new TreeSet<>(givenValues.keySet());
    }
}
