package io.netpolguard.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.FlowDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's files read without Helm (the Helm renderings are tested in the end-to-end tier, with the real helm):
 * its alerts and dashboard are those of {@code k8s/base/optional/monitoring}, and its values schema knows every value
 * and every flow id and nothing else.
 */
class ChartFilesTest {
    private static final Path CHART = Path.of("charts/netpol-guard");
    private static final Path MONITORING = Path.of("k8s/base/optional/monitoring");
    private static final JsonMapper JSON = new JsonMapper();

    @Test
    void theChartsAlertsAreThoseOfTheMonitoringComponent() {
        JsonNode component = Kustomize.documents(MONITORING.resolve("prometheusrule.yaml")).get(0).path("spec");
        JsonNode chart = Kustomize.documents(CHART.resolve("files/prometheus-rules.yaml")).get(0);
        assertThat(component.path("groups").get(0).path("rules")).hasSizeGreaterThanOrEqualTo(6);
        assertThat(chart).isEqualTo(component);
    }

    @Test
    void theChartsDashboardIsThatOfTheMonitoringComponent() throws IOException {
        JsonNode configMap = Kustomize.documents(MONITORING.resolve("dashboard-configmap.yaml")).get(0);
        assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        String component = configMap.path("data").path("netpol-guard.json").asText();
        String chart = Files.readString(CHART.resolve("files/dashboard.json"));
        assertThat(chart).isEqualTo(component);
        JsonNode dashboard = JSON.readTree(chart);
        assertThat(dashboard.path("uid").asText()).isEqualTo("netpol-guard");
        assertThat(dashboard.path("panels")).allSatisfy(panel -> assertThat(panel.path("targets")).isNotEmpty()
                .allSatisfy(target -> assertThat(target.path("expr").asText())
                        .containsPattern("netpol_guard_|apiserver_admission_webhook_")));
    }

    @Test
    void theSchemaKnowsEveryFlowIdAndNoOther() throws IOException {
        JsonNode flows = schema().path("properties").path("guard").path("properties").path("flows");
        List<String> ids = FlowCatalogue.standard().flows().stream().map(FlowDefinition::id).toList();
        assertThat(InstallChecks.strings(flows.path("propertyNames").path("enum"))).containsExactlyInAnyOrderElementsOf(ids);
    }

    /** additionalProperties false on every object with named properties, a schema for every map: typos are errors. */
    @Test
    void theSchemaRejectsUnknownKeysAtEveryLevel() throws IOException {
        List<String> objects = new ArrayList<>();
        walk(schema(), "", objects);
        assertThat(objects).contains("", ".guard", ".guard.operator", ".metrics.serviceMonitor", ".guard.flows",
                ".policyReports");
    }

    private static void walk(JsonNode schema, String path, List<String> objects) {
        if (schema.path("type").asText().equals("object") || schema.has("properties")) {
            objects.add(path);
            JsonNode additional = schema.path("additionalProperties");
            assertThat(additional.isObject() || additional.isBoolean() && !additional.asBoolean())
                    .as(path + ": additionalProperties must be false or a schema, is " + additional)
                    .isTrue();
            if (additional.isObject()) {
                walk(additional, path + ".*", objects);
            }
            for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
                if (!(path.isEmpty() && property.getKey().equals("global"))) {
                    walk(property.getValue(), path + "." + property.getKey(), objects);
                }
            }
        }
    }

    @Test
    void everyValueIsInTheSchema() throws IOException {
        JsonNode values = Kustomize.documents(CHART.resolve("values.yaml")).get(0);
        List<String> paths = new ArrayList<>();
        inSchema(values, schema(), "", paths);
        assertThat(paths).contains(".image.repository", ".image.tag", ".image.pullPolicy", ".certificates.source",
                ".guard.mode", ".networkPolicy.enabled", ".metrics.prometheusRule.enabled", ".policyReports.enabled",
                ".policyReports.leaseName");
    }

    private static void inSchema(JsonNode value, JsonNode schema, String path, List<String> paths) {
        paths.add(path);
        if (!value.isObject() || !schema.has("properties")) {
            return;
        }
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            JsonNode property = schema.path("properties").path(entry.getKey());
            assertThat(property.isObject()).as(path + "." + entry.getKey() + " is not in values.schema.json").isTrue();
            inSchema(entry.getValue(), property, path + "." + entry.getKey(), paths);
        }
    }

    private static JsonNode schema() throws IOException {
        return JSON.readTree(CHART.resolve("values.schema.json").toFile());
    }
}
