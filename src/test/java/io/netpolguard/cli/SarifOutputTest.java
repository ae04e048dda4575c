package io.netpolguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.netpolguard.cli.CheckCommandTest.Run;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code check --output sarif}: valid SARIF 2.1.0 (checked against the schema), one result per blocked or unverifiable
 * flow, the flow id as rule, and the policies that decide the flow as locations: the manifest file (relative to the
 * working directory) and the line its document starts on, and the object as a logical location.
 */
class SarifOutputTest {
    private static final String EXAMPLE = "k8s/examples/cluster";
    private static final String DNS_BLOCKED = "src/test/resources/check/dns-to-node-local-cache";
    private static final JsonSchema SCHEMA = schema();

    private static JsonSchema schema() {
        try (InputStream in = SarifOutputTest.class.getResourceAsStream("/sarif/sarif-2.1.0-rtm.5.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Run sarif(String... args) {
        List<String> all = new ArrayList<>(List.of("check"));
        all.addAll(List.of(args));
        all.addAll(List.of("--no-dns", "--output", "sarif"));
        return Run.run(all);
    }

    private static JsonNode result(JsonNode sarif, String ruleId) {
        for (JsonNode result : sarif.path("runs").path(0).path("results")) {
            if (result.path("ruleId").asText().equals(ruleId)) {
                return result;
            }
        }
        throw new AssertionError("no result for " + ruleId + " in " + sarif);
    }

    @Test
    void blockedCriticalFlowsAreErrorsPointingAtTheIsolatingPolicies() throws IOException {
        Run run = sarif("--cluster", EXAMPLE, "--cluster", DNS_BLOCKED, "--host", "abc12345.live.dynatrace.com=203.0.113.10");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(CommandLines.EXIT_FINDINGS);
        JsonNode sarif = run.json();
        assertThat(SCHEMA.validate(sarif)).as("schema violations").isEmpty();
        assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
        assertThat(sarif.path("$schema").asText()).isEqualTo("https://json.schemastore.org/sarif-2.1.0.json");
        JsonNode run0 = sarif.path("runs").path(0);
        assertThat(run0.path("tool").path("driver").path("name").asText()).isEqualTo("netpol-guard");
        List<String> rules = new ArrayList<>();
        run0.path("tool").path("driver").path("rules").forEach(r -> rules.add(r.path("id").asText()));
        assertThat(rules).containsExactly("operator->kube-dns", "webhook->kube-dns", "csi-driver->kube-dns",
                "activegate->kube-dns");
        assertThat(run0.path("results")).hasSize(4);

        JsonNode operator = result(sarif, "operator->kube-dns");
        assertThat(operator.path("level").asText()).isEqualTo("error");
        assertThat(operator.path("ruleIndex").asInt()).isZero();
        assertThat(operator.path("message").path("text").asText()).startsWith("operator->kube-dns (critical): blocked");
        List<String> objects = new ArrayList<>();
        List<String> places = new ArrayList<>();
        for (JsonNode location : operator.path("locations")) {
            objects.add(location.path("logicalLocations").path(0).path("fullyQualifiedName").asText());
            places.add(location.path("physicalLocation").path("artifactLocation").path("uri").asText() + ":"
                    + location.path("physicalLocation").path("region").path("startLine").asInt());
        }
        assertThat(objects).containsExactlyInAnyOrder("NetworkPolicy/dynatrace/default-deny",
                "NetworkPolicy/dynatrace/allow-apiserver", "NetworkPolicy/dynatrace/allow-tenant",
                "NetworkPolicy/dynatrace/allow-dns");
        String policies = EXAMPLE + "/40-network-policies.yaml";
        assertThat(places).contains(policies + ":" + documentLine(policies, "default-deny"),
                policies + ":" + documentLine(policies, "allow-apiserver"),
                DNS_BLOCKED + "/allow-dns.yaml:" + documentLine(DNS_BLOCKED + "/allow-dns.yaml", "allow-dns"));
    }

    /** The line of the apiVersion that starts the document of the NetworkPolicy with this name. */
    private static int documentLine(String file, String name) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(file));
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("apiVersion:")) {
                start = i + 1;
            }
            if (lines.get(i).contains("{name: " + name + ",")) {
                return start;
            }
        }
        throw new AssertionError("no NetworkPolicy " + name + " in " + file);
    }

    @Test
    void unverifiableFlowsAreWarningsWithTheirReason() {
        Run run = sarif("--cluster", EXAMPLE);

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode sarif = run.json();
        assertThat(SCHEMA.validate(sarif)).isEmpty();
        JsonNode api = result(sarif, "operator->dynatrace-api");
        assertThat(api.path("level").asText()).isEqualTo("warning");
        assertThat(api.path("properties").path("status").asText()).isEqualTo("unverifiable");
        assertThat(api.path("message").path("text").asText()).contains("abc12345.live.dynatrace.com", "could not be resolved");
        assertThat(api.path("locations")).isNotEmpty();
        sarif.path("runs").path(0).path("results").forEach(r -> assertThat(r.path("level").asText()).isEqualTo("warning"));
    }

    @Test
    void aBlockedFlowOfSeverityWarningIsAWarning() {
        Run run = Run.configured(Map.of("netpol-guard.flows.\"operator->kube-dns\".severity", "warning"), "check",
                "--cluster", EXAMPLE, "--cluster", DNS_BLOCKED, "--no-dns",
                "--host", "abc12345.live.dynatrace.com=203.0.113.10", "--output", "sarif");

        JsonNode sarif = run.json();
        assertThat(result(sarif, "operator->kube-dns").path("level").asText()).isEqualTo("warning");
        assertThat(result(sarif, "webhook->kube-dns").path("level").asText()).isEqualTo("error");
    }

    @Test
    void nothingBlockedOrUnverifiableIsAnEmptyRun() {
        Run run = sarif("--cluster", EXAMPLE, "--host", "abc12345.live.dynatrace.com=203.0.113.10");

        assertThat(run.exitCode()).isZero();
        assertThat(SCHEMA.validate(run.json())).isEmpty();
        assertThat(run.json().path("runs").path(0).path("results")).isEmpty();
    }

    @Test
    void theSchemaCheckRejectsWhatIsNotSarif() {
        JsonNode sarif = sarif("--cluster", EXAMPLE, "--cluster", DNS_BLOCKED,
                "--host", "abc12345.live.dynatrace.com=203.0.113.10").json();
        ((ObjectNode) sarif.path("runs").path(0).path("results").path(0)).put("level", "fatal");

        Set<ValidationMessage> errors = SCHEMA.validate(sarif);
        assertThat(errors).isNotEmpty();
    }
}
