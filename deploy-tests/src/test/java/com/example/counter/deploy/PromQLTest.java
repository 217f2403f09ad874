package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.example.counter.testsupport.PromQL;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The metric-name extractor that MonitoringTest and local's MonitoringQueriesIT hold the alert
 * rules and the dashboard against: every form of PromQL they use, and what it must refuse.
 */
class PromQLTest {

    @Test
    void aBareNameAndASelectorWithMatchers() {
        assertEquals(Set.of("up"), PromQL.metricNames("up"));
        assertEquals(Set.of("redis_up"), PromQL.metricNames(
                "redis_up{job=\"redis\", namespace=~\"shop-.*\", pod!=\"x\", role!~\"a|b\"} == 0"));
    }

    @Test
    void labelNamesInMatchersAndInGroupingAreNotMetrics() {
        assertEquals(Set.of("http_server_request_duration_seconds_count"), PromQL.metricNames("""
                sum by (namespace, job) (rate(http_server_request_duration_seconds_count{http_response_status_code=~"5.."}[5m]))
                """));
        assertEquals(Set.of("a", "b"), PromQL.metricNames("sum without (pod) (a) / on (namespace, job) group_left (le) b"));
        assertEquals(Set.of("a", "b"), PromQL.metricNames("a * ignoring(pod) group_right b"));
        assertEquals(Set.of("a", "b"), PromQL.metricNames("a * on(pod) group_left b"));
        assertEquals(Set.of("a"), PromQL.metricNames("sum(a) by (le)"));
    }

    @Test
    void functionsAndAggregationsAreNotMetrics() {
        assertEquals(Set.of("counter_redis_command_duration_seconds_bucket"), PromQL.metricNames(
                "histogram_quantile(0.99, sum by (le, endpoint) (rate(counter_redis_command_duration_seconds_bucket[5m])))"));
        assertEquals(Set.of("kubelet_volume_stats_available_bytes"), PromQL.metricNames(
                "predict_linear(kubelet_volume_stats_available_bytes[6h], 4 * 3600) < 0"));
        assertEquals(Set.of("x"), PromQL.metricNames("topk(5, x) and absent(x) or vector(1) unless scalar(x) > bool time()"));
        assertEquals(Set.of("x"), PromQL.metricNames("SUM(x) BY (job) AND Rate(x[1m])"));
    }

    @Test
    void twoOperandsAndSetOperatorsGiveBothNames() {
        assertEquals(Set.of("redis_connected_slave_offset_bytes", "redis_master_repl_offset"), PromQL.metricNames(
                "redis_master_repl_offset - on (namespace, pod) group_right redis_connected_slave_offset_bytes > 1e6"));
        assertEquals(Set.of("a", "b", "c"), PromQL.metricNames("count by (x) (a) unless on (x) count by (x) (b and c)"));
    }

    @Test
    void rangesSubqueriesOffsetsAndAt() {
        assertEquals(Set.of("a", "b"), PromQL.metricNames(
                "max_over_time(rate(a[5m])[30m:1m]) offset 1h + b @ 1609746000 - b @ start()"));
        assertEquals(Set.of("a"), PromQL.metricNames("min_over_time(a[1h30m] offset -5m)"));
    }

    @Test
    void numbersInEveryForm() {
        assertEquals(Set.of("a"), PromQL.metricNames("a / 1e9 > 0.5 and a < 1e-3 or a > 0x1F or a > .5 or a < Inf or a != NaN"));
    }

    @Test
    void stringsMayHoldAnythingAndAreNotNames() {
        assertEquals(Set.of("a"), PromQL.metricNames(
                "label_replace(a{x=\"}{)(\\\"\"}, \"dst\", \"$1\", 'src', `(.*)\\`)"));
    }

    @Test
    void theNameLabelSelectsByName() {
        assertEquals(Set.of("up", "redis_up"), PromQL.metricNames("{__name__=\"up\"} or {__name__=\"redis_up\", job=\"redis\"}"));
    }

    @Test
    void grafanaVariablesAreNotNames() {
        assertEquals(Set.of("a"), PromQL.metricNames(
                "sum(rate(a{namespace=\"$namespace\", instance=~\"${instance:regex}\"}[$__rate_interval])) by (job)"));
        assertEquals(Set.of("a"), PromQL.metricNames("rate(a[${__rate_interval}]) * $scale"));
    }

    @Test
    void commentsAreSkipped() {
        assertEquals(Set.of("a"), PromQL.metricNames("a # and b\n > 1"));
    }

    @Test
    void recordingRuleNamesWithColons() {
        assertEquals(Set.of("job:http_requests:rate5m"), PromQL.metricNames("job:http_requests:rate5m > 0"));
    }

    @Test
    void manyExpressionsAtOnce() {
        assertEquals(Set.of("a", "b"), PromQL.metricNames(List.of("a", "rate(b[5m])", "a + b")));
    }

    @Test
    void selectorsKeepTheirLabelMatchersAsWritten() {
        assertEquals(List.of(
                new PromQL.Selector("redis_master_repl_offset", List.of(new PromQL.LabelMatcher("job", "=", "redis"))),
                new PromQL.Selector("redis_connected_slave_offset_bytes", List.of(
                        new PromQL.LabelMatcher("job", "=~", "redis|x"),
                        new PromQL.LabelMatcher("slave_state", "!=", "wait_bgsave"),
                        new PromQL.LabelMatcher("pod", "!~", "a.*")))),
                PromQL.selectors("redis_master_repl_offset{job=\"redis\"} - on (namespace, pod) group_right"
                        + " redis_connected_slave_offset_bytes{job=~\"redis|x\", slave_state!=\"wait_bgsave\", pod!~'a.*',}"));
    }

    @Test
    void aSelectorWithoutMatchersAndOneNamedByItsLabel() {
        assertEquals(List.of(new PromQL.Selector("up", List.of()),
                        new PromQL.Selector("redis_up", List.of(new PromQL.LabelMatcher("job", "=", "redis")))),
                PromQL.selectors("sum(rate(up[5m])) or {__name__=\"redis_up\", job=\"redis\"}"));
    }

    @Test
    void matchersInsideARangeBelongToTheirMetric() {
        assertEquals(List.of(new PromQL.Selector("a_bucket", List.of(new PromQL.LabelMatcher("le", "=", "+Inf")))),
                PromQL.selectors("increase(a_bucket{le=\"+Inf\"}[$__rate_interval])"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "a{job}",               // a label without an operator and a value
            "a{job=x}",             // a value that is no string
            "a{job=\"x\" pod=\"y\"}", // no comma between matchers
    })
    void refusesMalformedMatchers(String expression) {
        assertThrows(IllegalArgumentException.class, () -> PromQL.selectors(expression), expression);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "rate(a[5m]",           // unclosed (
            "rate(a[5m])))",        // unbalanced )
            "a{job=\"x\"",          // unclosed {
            "a{job=\"x}",           // unterminated string
            "rate(a[5m)",           // ( inside [
            "a{job=(\"x\")}",       // ( inside matchers
            "sum by (job (a)",      // unclosed label list
            "a ; b",                // not PromQL
            "a{job=\"x\"}]",        // ] without [
    })
    void refusesWhatItCannotRead(String expression) {
        assertThrows(IllegalArgumentException.class, () -> PromQL.metricNames(expression), expression);
    }
}
