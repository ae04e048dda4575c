package io.netpolguard.dynatrace;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Set;

/**
 * What a DynaKube says about network needs, in any served version, read with the meaning the
 * operator gives it (pkg/api/latest/dynakube/*). {@code problems} lists fields that could not be
 * read; they never stop the check.
 *
 * @param apiUrl the tenant as the operator contacts it: a 3rd-generation {@code *.apps.*} URL is
 *     rewritten to its 2nd-generation host (pkg/util/dtapiurl/dtapiurl.go)
 * @param activeGateCapabilities {@code spec.activeGate.capabilities}; empty when none
 * @param prometheus {@code spec.extensions.prometheus} (v1beta6), or {@code extensions} present (v1beta4/5,
 *     converted to prometheus by pkg/api/v1beta5/dynakube/convert_to.go)
 * @param databases ids of {@code spec.extensions.databases[]}: one SQL executor each
 * @param telemetryProtocols the enabled telemetryIngest protocols; null when telemetryIngest is off
 * @param enrichmentNamespaceSelector {@code metadataEnrichment.namespaceSelector}; null when enrichment is off
 * @param otlpNamespaceSelector {@code otlpExporterConfiguration.namespaceSelector}; null when no signal is on
 */
public record DynaKube(String namespace, String name, String apiVersion, HostPort apiUrl, ProxySetting proxy,
        OneAgentMode oneAgentMode, LabelSelector injectionNamespaceSelector, String codeModulesImage,
        Boolean useCsiDriver, Set<String> activeGateCapabilities, boolean prometheus, List<String> databases,
        List<String> telemetryProtocols, String telemetryServiceName, boolean kspm, boolean logMonitoring,
        LabelSelector enrichmentNamespaceSelector, LabelSelector otlpNamespaceSelector, FeatureFlags featureFlags,
        List<String> problems) {

    public DynaKube {
        activeGateCapabilities = activeGateCapabilities == null ? Set.of() : Set.copyOf(activeGateCapabilities);
        databases = databases == null ? List.of() : List.copyOf(databases);
        featureFlags = featureFlags == null ? FeatureFlags.NONE : featureFlags;
        problems = List.copyOf(problems);
    }

    public String id() {
        return namespace + "/" + name;
    }

    /**
     * The ActiveGate StatefulSet exists when capabilities are set or extensions need it
     * (pkg/api/latest/dynakube/activegate/props.go IsEnabled; activegate/spec.go dependencies).
     */
    public boolean hasActiveGate() {
        return !activeGateCapabilities.isEmpty() || extensionController();
    }

    public boolean hasCapability(String capability) {
        return activeGateCapabilities.contains(capability);
    }

    /** The extension controller runs for Prometheus or database extensions (operands_props.go Extensions()). */
    public boolean extensionController() {
        return prometheus || !databases.isEmpty();
    }

    /** The OTel collector runs for telemetry ingest and for Prometheus extensions (otelc/statefulset/reconciler.go). */
    public boolean otelCollector() {
        return prometheus || hasTelemetryIngest();
    }

    public boolean injects() {
        return oneAgentMode != null && oneAgentMode.injects();
    }

    public boolean hostAgent() {
        return oneAgentMode != null && oneAgentMode.hostAgent();
    }

    /**
     * Log monitoring runs as its own DaemonSet only without a OneAgent DaemonSet; otherwise the
     * host OneAgent does it (pkg/api/latest/dynakube/logmonitoring/props.go IsStandalone).
     */
    public boolean standaloneLogMonitoring() {
        return logMonitoring && !hostAgent();
    }

    public boolean hasTelemetryIngest() {
        return telemetryProtocols != null;
    }

    public boolean metadataEnrichment() {
        return enrichmentNamespaceSelector != null;
    }

    public boolean otlpExporter() {
        return otlpNamespaceSelector != null;
    }
}
