package io.netpolguard.dynatrace;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Set;

/**
 * What a DynaKube says about network needs, in any served version. {@code problems} lists fields
 * that could not be read; they never stop the check.
 */
public record DynaKube(String namespace, String name, String apiVersion, HostPort apiUrl, ProxySetting proxy,
        OneAgentMode oneAgentMode, LabelSelector injectionNamespaceSelector, String codeModulesImage,
        Boolean useCsiDriver, Set<String> activeGateCapabilities, boolean extensions, boolean sqlExecutor,
        List<String> telemetryProtocols, String telemetryServiceName, boolean kspm, boolean logMonitoring,
        List<String> problems) {

    public String id() {
        return namespace + "/" + name;
    }

    public boolean hasActiveGate() {
        return activeGateCapabilities != null;
    }

    public boolean hasCapability(String capability) {
        return activeGateCapabilities != null && activeGateCapabilities.contains(capability);
    }

    public boolean injects() {
        return oneAgentMode != null && oneAgentMode.injects();
    }

    public boolean hasTelemetryIngest() {
        return telemetryProtocols != null;
    }
}
