package io.netpolguard.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts of PrometheusRule netpol-guard (k8s/base/optional/monitoring; the chart's copy is the same, see
 * {@link ChartFilesTest}) checked and unit-tested by the real promtool (built from its Go module by
 * e2e/build-tools.sh): {@code promtool check rules} and {@code promtool test rules} with the tests in
 * src/test/resources/install/alerts/.
 */
class AlertRulesIT {
    private static final Path RULE = Path.of("k8s/base/optional/monitoring/prometheusrule.yaml");
    private static final Path TESTS = Path.of("src/test/resources/install/alerts");

    @TempDir
    Path temp;

    @Test
    void theRulesAreValid() throws IOException {
        BuiltTool.Result check = BuiltTool.run("promtool", "check", "rules", rules().toString());
        assertThat(check.exitCode()).as(check.describe()).isZero();
        assertThat(check.out()).as(check.describe()).contains("SUCCESS: 6 rules found");
    }

    @Test
    void everyAlertFiresWhenItShouldAndNotOtherwise() throws IOException {
        rules();
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        List<String> tested = new ArrayList<>();
        try (Stream<Path> files = Files.list(TESTS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".test.yaml")).sorted().toList()) {
                Path copy = temp.resolve(file.getFileName().toString());
                Files.copy(file, copy);
                args.add(copy.toString());
                for (JsonNode test : Kustomize.documents(file).get(0).path("tests")) {
                    test.path("alert_rule_test").forEach(t -> tested.add(t.path("alertname").asText()));
                }
            }
        }
        List<String> alerts = new ArrayList<>();
        Kustomize.documents(RULE).get(0).path("spec").path("groups").forEach(group -> group.path("rules")
                .forEach(rule -> alerts.add(rule.path("alert").asText())));
        assertThat(tested).as("every alert has a test").containsAll(alerts);

        BuiltTool.Result test = BuiltTool.run("promtool", args.toArray(String[]::new));
        assertThat(test.exitCode()).as(test.describe()).isZero();
        assertThat(test.out() + test.err()).as(test.describe()).contains("SUCCESS");
    }

    /** The PrometheusRule's spec, the rule file promtool reads, as rules.yaml in the temporary directory. */
    private Path rules() throws IOException {
        JsonNode spec = Kustomize.documents(RULE).get(0).path("spec");
        Path rules = temp.resolve("rules.yaml");
        Files.writeString(rules, Kustomize.YAML.writeValueAsString(spec));
        return rules;
    }
}
