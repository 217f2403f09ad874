package com.example.counter.testsupport;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names a PromQL expression reads, and the label matchers it selects them by, as written
 * in alert rules and Grafana panels, so that a test can hold them against what is really exported. A tokenizer, not a full parser: it knows
 * what in PromQL is not a metric name (functions and aggregations, which a parenthesis follows;
 * keywords; label names in matchers and in by/without/on/ignoring/group_left/group_right lists;
 * strings, numbers, durations) and counts every other identifier as one. Grafana's variables
 * ({@code $__rate_interval}, {@code ${datasource}}, {@code $namespace}) are skipped. It refuses
 * what it cannot read: an unterminated string, unbalanced brackets, a character PromQL does not
 * have, so a broken expression fails rather than yields a wrong list.
 */
public final class PromQL {

    /** Words that are operators or modifiers, never metric names, when no parenthesis follows. */
    private static final Set<String> KEYWORDS = Set.of(
            "and", "or", "unless", "bool", "offset", "inf", "nan", "atan2");
    /** Words followed by a parenthesised list of label names (group_left and group_right may stand alone). */
    private static final Set<String> LABEL_LISTS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right");
    /** The selector label that names the metric: {__name__="up"}. */
    private static final String NAME_LABEL = "__name__";

    private enum Kind { IDENTIFIER, STRING, NUMBER, PUNCTUATION, VARIABLE }

    private record Token(Kind kind, String text, int position) {
    }

    private PromQL() {
    }

    /** One label matcher of a selector: label, operator (=, !=, =~, !~) and value, as written. */
    public record LabelMatcher(String label, String operator, String value) {
    }

    /** A series selector: the metric it names, and its label matchers (the name's own left out). */
    public record Selector(String metric, List<LabelMatcher> matchers) {
    }

    /**
     * Every metric name that the expression selects, sorted.
     *
     * @throws IllegalArgumentException if the expression cannot be read, saying where
     */
    public static Set<String> metricNames(String expression) {
        Set<String> names = new TreeSet<>();
        selectors(expression).forEach(selector -> names.add(selector.metric()));
        return names;
    }

    /** Every metric name that any of the expressions selects, sorted. */
    public static Set<String> metricNames(Iterable<String> expressions) {
        Set<String> names = new TreeSet<>();
        expressions.forEach(expression -> names.addAll(metricNames(expression)));
        return names;
    }

    /**
     * Every series selector of the expression that names a metric, in order: {@code up},
     * {@code redis_up{job="redis"}}, {@code {__name__="up"}}. A selector without a metric name
     * (only label matchers) is left out.
     *
     * @throws IllegalArgumentException if the expression cannot be read, saying where
     */
    public static List<Selector> selectors(String expression) {
        List<Token> tokens = tokenize(expression);
        List<Selector> selectors = new ArrayList<>();
        Deque<String> open = new ArrayDeque<>();
        String metric = null; // the name just read, whose matchers may follow
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            switch (token.kind()) {
                case PUNCTUATION -> {
                    switch (token.text()) {
                        case "(", "[", "{" -> open.push(token.text());
                        case ")", "]", "}" -> close(open, token, expression);
                        default -> { }
                    }
                    if (token.text().equals("{")) {
                        List<LabelMatcher> matchers = new ArrayList<>();
                        i = matchers(tokens, i, matchers, expression);
                        open.pop();
                        Optional<String> named = matchers.stream().filter(m -> m.label().equals(NAME_LABEL)
                                && m.operator().equals("=")).map(LabelMatcher::value).findFirst();
                        List<LabelMatcher> labels = matchers.stream().filter(m -> !m.label().equals(NAME_LABEL)).toList();
                        if (metric != null) {
                            selectors.set(selectors.size() - 1, new Selector(metric, labels));
                        } else if (named.isPresent()) {
                            selectors.add(new Selector(named.get(), labels));
                        }
                    } else if (token.text().equals("[")) {
                        i = skipTo(tokens, i, "]", expression);
                        open.pop();
                    }
                    metric = null;
                }
                case IDENTIFIER -> {
                    metric = null;
                    String word = token.text();
                    String lower = word.toLowerCase(Locale.ROOT);
                    boolean call = next != null && next.text().equals("(");
                    // sum by (job) (...): an aggregation whose modifier comes before its argument.
                    boolean aggregation = next != null && next.kind() == Kind.IDENTIFIER
                            && Set.of("by", "without").contains(next.text().toLowerCase(Locale.ROOT));
                    if (LABEL_LISTS.contains(lower)) {
                        if (call) {
                            i = skipTo(tokens, i + 1, ")", expression);
                        }
                    } else if (!call && !aggregation && !KEYWORDS.contains(lower)) {
                        selectors.add(new Selector(word, List.of()));
                        metric = word;
                    }
                }
                default -> metric = null;
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalArgumentException("unclosed '" + open.peek() + "' in: " + expression);
        }
        return selectors;
    }

    /** Reads label matchers from the '{' at {@code start} into {@code matchers}; returns the index of the '}'. */
    private static int matchers(List<Token> tokens, int start, List<LabelMatcher> matchers, String expression) {
        for (int i = start + 1; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.text().equals("}") && token.kind() == Kind.PUNCTUATION) {
                return i;
            }
            if (token.kind() == Kind.PUNCTUATION && "([{]".contains(token.text())) {
                throw new IllegalArgumentException("'" + token.text() + "' inside label matchers at "
                        + token.position() + " in: " + expression);
            }
            if (token.kind() == Kind.IDENTIFIER) {
                if (i + 2 >= tokens.size() || !Set.of("=", "!=", "=~", "!~").contains(tokens.get(i + 1).text())
                        || tokens.get(i + 2).kind() != Kind.STRING) {
                    throw new IllegalArgumentException("label matcher " + token.text() + " at " + token.position()
                            + " is not label=\"value\" (or !=, =~, !~), in: " + expression);
                }
                matchers.add(new LabelMatcher(token.text(), tokens.get(i + 1).text(), tokens.get(i + 2).text()));
                i += 2;
                if (i + 1 < tokens.size() && !Set.of(",", "}").contains(tokens.get(i + 1).text())) {
                    throw new IllegalArgumentException("',' or '}' expected after the matcher of " + token.text()
                            + " at " + token.position() + ", in: " + expression);
                }
            } else if (!token.text().equals(",")) {
                throw new IllegalArgumentException("'" + token.text() + "' at " + token.position()
                        + " inside label matchers, in: " + expression);
            }
        }
        throw new IllegalArgumentException("unclosed '{' at " + tokens.get(start).position() + " in: " + expression);
    }

    /** The index of the closing token that matches the opening one at {@code start}. */
    private static int skipTo(List<Token> tokens, int start, String closing, String expression) {
        String opening = tokens.get(start).text();
        if (!opening.equals(closing.equals(")") ? "(" : "[")) {
            throw new IllegalArgumentException("expected '" + (closing.equals(")") ? "(" : "[") + "' at "
                    + tokens.get(start).position() + " in: " + expression);
        }
        for (int i = start + 1; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.kind() == Kind.PUNCTUATION && token.text().equals(closing)) {
                return i;
            }
            if (token.kind() == Kind.PUNCTUATION && "()[]{}".contains(token.text())) {
                throw new IllegalArgumentException("'" + token.text() + "' inside '" + opening + "' at "
                        + token.position() + " in: " + expression);
            }
        }
        throw new IllegalArgumentException("unclosed '" + opening + "' at " + tokens.get(start).position()
                + " in: " + expression);
    }

    private static void close(Deque<String> open, Token token, String expression) {
        String expected = switch (token.text()) {
            case ")" -> "(";
            case "]" -> "[";
            default -> "{";
        };
        if (open.isEmpty() || !open.peek().equals(expected)) {
            throw new IllegalArgumentException("unbalanced '" + token.text() + "' at " + token.position()
                    + " in: " + expression);
        }
        open.pop();
    }

    private static List<Token> tokenize(String expression) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') { // a comment, to the end of the line
                while (i < expression.length() && expression.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                StringBuilder value = new StringBuilder();
                i++;
                while (i < expression.length() && expression.charAt(i) != c) {
                    if (expression.charAt(i) == '\\' && c != '`' && i + 1 < expression.length()) {
                        i++;
                    }
                    value.append(expression.charAt(i++));
                }
                if (i >= expression.length()) {
                    throw new IllegalArgumentException("unterminated string at " + start + " in: " + expression);
                }
                i++;
                tokens.add(new Token(Kind.STRING, value.toString(), start));
            } else if (c == '$') { // Grafana: $name, ${name}, ${name:format}, $__interval
                i++;
                if (i < expression.length() && expression.charAt(i) == '{') {
                    int end = expression.indexOf('}', i);
                    if (end < 0) {
                        throw new IllegalArgumentException("unclosed '${' at " + start + " in: " + expression);
                    }
                    i = end + 1;
                } else {
                    while (i < expression.length() && isNamePart(expression.charAt(i))) {
                        i++;
                    }
                }
                tokens.add(new Token(Kind.VARIABLE, expression.substring(start, i), start));
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < expression.length()
                    && Character.isDigit(expression.charAt(i + 1)))) {
                // 42, 0.5, 1e9, 0x1F, and durations as 5m or 1h30m: letters and digits run together.
                while (i < expression.length() && (Character.isLetterOrDigit(expression.charAt(i))
                        || expression.charAt(i) == '.'
                        || ((expression.charAt(i) == '+' || expression.charAt(i) == '-')
                                && (expression.charAt(i - 1) == 'e' || expression.charAt(i - 1) == 'E')
                                && !expression.substring(start, i).startsWith("0x")))) {
                    i++;
                }
                tokens.add(new Token(Kind.NUMBER, expression.substring(start, i), start));
            } else if (isNameStart(c)) {
                while (i < expression.length() && isNamePart(expression.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.IDENTIFIER, expression.substring(start, i), start));
            } else if ("(){}[],:@".indexOf(c) >= 0) {
                tokens.add(new Token(Kind.PUNCTUATION, String.valueOf(c), start));
                i++;
            } else if ("=!<>~+-*/%^".indexOf(c) >= 0) {
                while (i < expression.length() && "=!<>~".indexOf(expression.charAt(i)) >= 0 && i - start < 2) {
                    i++;
                }
                if (i == start) {
                    i++;
                }
                tokens.add(new Token(Kind.PUNCTUATION, expression.substring(start, i), start));
            } else {
                throw new IllegalArgumentException("'" + c + "' at " + i + " is not PromQL, in: " + expression);
            }
        }
        return tokens;
    }

    private static boolean isNameStart(char c) {
        return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
