package io.netpolguard.dynatrace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.netpol.Selector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads DynaKube v1beta1 … v1beta6 as generic objects. Field names that matter are the same from
 * v1beta2 on; v1beta1 has {@code useCSIDriver} and the older {@code routing}/{@code kubernetesMonitoring}
 * switches. Extensions: v1beta3 enables them with {@code extensions.enabled}, v1beta4 and v1beta5 by
 * presence (converted to {@code extensions.prometheus}, pkg/api/v1beta5/dynakube/convert_to.go), v1beta6 by
 * {@code extensions.prometheus} and {@code extensions.databases[]}; an empty v1beta6 {@code extensions: {}}
 * enables nothing (pkg/api/latest/dynakube/operands_props.go).
 */
public final class DynaKubeReader {
    public static final Set<String> CAPABILITIES = Set.of("routing", "kubernetes-monitoring", "dynatrace-api",
            "metrics-ingest", "debugging");
    /** Older spellings some versions accept. */
    private static final Map<String, String> CAPABILITY_ALIASES = Map.of("data-ingest", "metrics-ingest",
            "statsd-ingest", "metrics-ingest", "MSGrouter", "routing", "kubemon", "kubernetes-monitoring",
            "restInterface", "dynatrace-api", "metricsIngest", "metrics-ingest");
    public static final List<String> TELEMETRY_PROTOCOLS = List.of("otlp", "zipkin", "jaeger", "statsd");

    private DynaKubeReader() {
    }

    public static DynaKube read(HasMetadata resource) {
        JsonNode node = Manifests.JSON.valueToTree(resource);
        String version = node.path("apiVersion").asText("");
        String namespace = resource.getMetadata().getNamespace() == null ? "default" : resource.getMetadata().getNamespace();
        JsonNode spec = node.path("spec");
        List<String> problems = new ArrayList<>();
        boolean v1beta1 = version.endsWith("/v1beta1");
        boolean v1beta3 = version.endsWith("/v1beta3");

        HostPort apiUrl = null;
        try {
            apiUrl = HostPort.fromUrl(TenantUrl.toSecondGen(text(spec, "apiUrl")), "spec.apiUrl");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        ProxySetting proxy = proxy(spec.path("proxy"));

        OneAgentMode mode = null;
        JsonNode oneAgent = spec.path("oneAgent");
        for (OneAgentMode candidate : OneAgentMode.values()) {
            JsonNode modeNode = oneAgent.get(candidate.field());
            if (modeNode != null && !modeNode.isNull()) {
                if (mode != null) {
                    problems.add("spec.oneAgent sets both " + mode.field() + " and " + candidate.field()
                            + " (exactly one mode is allowed); using " + mode.field());
                } else {
                    mode = candidate;
                }
            }
        }
        JsonNode modeSpec = mode == null ? null : oneAgent.path(mode.field());
        LabelSelector namespaceSelector = null;
        String codeModulesImage = null;
        Boolean useCsiDriver = null;
        if (modeSpec != null && mode.injects()) {
            if (modeSpec.hasNonNull("namespaceSelector")) {
                namespaceSelector = selector(modeSpec.get("namespaceSelector"),
                        "spec.oneAgent." + mode.field() + ".namespaceSelector", problems);
            }
            codeModulesImage = blankToNull(text(modeSpec, "codeModulesImage"));
            if (v1beta1 && mode == OneAgentMode.APPLICATION_MONITORING) {
                useCsiDriver = modeSpec.path("useCSIDriver").asBoolean(false);
            }
        }

        Set<String> capabilities = capabilities(spec, v1beta1, problems);
        JsonNode extensionsNode = spec.path("extensions");
        boolean prometheus;
        List<String> databases = new ArrayList<>();
        if (v1beta3) {
            prometheus = extensionsNode.path("enabled").asBoolean(false);
        } else if (version.endsWith("/v1beta4") || version.endsWith("/v1beta5")) {
            prometheus = spec.hasNonNull("extensions");
        } else {
            prometheus = extensionsNode.hasNonNull("prometheus");
            for (JsonNode database : extensionsNode.path("databases")) {
                databases.add(database.path("id").asText(""));
            }
        }
        List<String> telemetryProtocols = null;
        String telemetryServiceName = null;
        if (spec.hasNonNull("telemetryIngest")) {
            JsonNode telemetry = spec.get("telemetryIngest");
            telemetryProtocols = new ArrayList<>();
            for (JsonNode protocol : telemetry.path("protocols")) {
                String value = protocol.asText();
                if (TELEMETRY_PROTOCOLS.contains(value)) {
                    telemetryProtocols.add(value);
                } else {
                    problems.add("spec.telemetryIngest.protocols has unknown protocol '" + value + "' (expected one of "
                            + TELEMETRY_PROTOCOLS + ")");
                }
            }
            if (telemetryProtocols.isEmpty()) {
                telemetryProtocols = TELEMETRY_PROTOCOLS;
            }
            telemetryServiceName = blankToNull(text(telemetry, "serviceName"));
        }
        JsonNode enrichment = spec.path("metadataEnrichment");
        LabelSelector enrichmentSelector = enrichment.path("enabled").asBoolean(false)
                ? selector(enrichment.path("namespaceSelector"), "spec.metadataEnrichment.namespaceSelector", problems)
                : null;
        JsonNode otlp = spec.path("otlpExporterConfiguration");
        JsonNode signals = otlp.path("signals");
        boolean otlpSignals = signals.hasNonNull("metrics") || signals.hasNonNull("traces") || signals.hasNonNull("logs");
        LabelSelector otlpSelector = otlpSignals
                ? selector(otlp.path("namespaceSelector"), "spec.otlpExporterConfiguration.namespaceSelector", problems)
                : null;
        FeatureFlags flags = FeatureFlags.read(resource.getMetadata().getAnnotations(), problems);
        return new DynaKube(namespace, resource.getMetadata().getName(), version, apiUrl, proxy, mode, namespaceSelector,
                codeModulesImage, useCsiDriver, capabilities, prometheus, databases, telemetryProtocols,
                telemetryServiceName, spec.hasNonNull("kspm"), spec.hasNonNull("logMonitoring"), enrichmentSelector,
                otlpSelector, flags, problems);
    }

    /**
     * A namespaceSelector; absent or empty selects every namespace, and so does one that cannot be read (a wrong
     * type, an unknown operator), which is a problem: the stricter reading, every namespace's apps need their flows.
     */
    private static LabelSelector selector(JsonNode node, String field, List<String> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return new LabelSelector();
        }
        try {
            LabelSelector selector = Manifests.JSON.convertValue(node, LabelSelector.class);
            Selector.compile(selector);
            return selector == null ? new LabelSelector() : selector;
        } catch (IllegalArgumentException e) {
            String reason = e.getCause() instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            problems.add(field + " is not a label selector (" + reason + "); read as selecting every namespace");
            return new LabelSelector();
        }
    }

    private static Set<String> capabilities(JsonNode spec, boolean v1beta1, List<String> problems) {
        Set<String> capabilities = null;
        if (spec.hasNonNull("activeGate")) {
            capabilities = new LinkedHashSet<>();
            for (JsonNode capability : spec.path("activeGate").path("capabilities")) {
                String value = capability.asText();
                String known = CAPABILITIES.contains(value) ? value : CAPABILITY_ALIASES.get(value);
                if (known == null) {
                    problems.add("spec.activeGate.capabilities has unknown capability '" + value + "' (expected one of "
                            + CAPABILITIES.stream().sorted().toList() + ")");
                } else {
                    capabilities.add(known);
                }
            }
        }
        if (v1beta1) {
            if (spec.path("routing").path("enabled").asBoolean(false)) {
                capabilities = capabilities == null ? new LinkedHashSet<>() : capabilities;
                capabilities.add("routing");
            }
            if (spec.path("kubernetesMonitoring").path("enabled").asBoolean(false)) {
                capabilities = capabilities == null ? new LinkedHashSet<>() : capabilities;
                capabilities.add("kubernetes-monitoring");
            }
        }
        return capabilities == null ? null : Set.copyOf(capabilities);
    }

    static ProxySetting proxy(JsonNode proxy) {
        if (proxy.isMissingNode() || proxy.isNull()) {
            return null;
        }
        if (proxy.isTextual()) {
            return blankToNull(proxy.asText()) == null ? null : new ProxySetting(proxy.asText(), null);
        }
        String value = blankToNull(text(proxy, "value"));
        String secret = blankToNull(text(proxy, "valueFrom"));
        if (value == null && secret == null) {
            return null;
        }
        return new ProxySetting(value, secret);
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
