package io.netpolguard.dynatrace;

import io.netpolguard.netpol.Cidr;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the operator and its peers are and what they look like. Defaults follow the Helm chart;
 * OLM and custom installs change them through configuration.
 *
 * @param operatorNamespace the configured namespace of the operator; null: found in the cluster ({@link OperatorNamespace})
 * @param selectors pod selector labels of the operator-owned components and the guard
 * @param controlPlaneCidrs where API server calls to webhooks come from; empty = the API server endpoints
 */
public record DynatraceSettings(String operatorNamespace, Map<Component, Map<String, String>> selectors,
        String dnsNamespace, Map<String, String> dnsSelector, int webhookPort, List<Cidr> controlPlaneCidrs,
        String guardNamespace, int guardPort) {

    public static DynatraceSettings defaults() {
        return new DynatraceSettings(null, Map.of(), "kube-system", Map.of("k8s-app", "kube-dns"), 8443,
                List.of(), "netpol-guard", 8443);
    }

    public DynatraceSettings {
        Map<Component, Map<String, String>> all = new EnumMap<>(Component.class);
        for (Component component : List.of(Component.OPERATOR, Component.WEBHOOK, Component.CSI_DRIVER,
                Component.NETPOL_GUARD)) {
            all.put(component, component.defaultLabels());
        }
        all.putAll(selectors);
        selectors = Map.copyOf(all);
        dnsSelector = Map.copyOf(dnsSelector);
        controlPlaneCidrs = List.copyOf(controlPlaneCidrs);
    }

    /** The selector labels of a component; {@code ownerName} replaces the created-by placeholder. */
    public Map<String, String> selectorOf(Component component, String ownerName) {
        Map<String, String> configured = selectors.get(component);
        if (configured != null) {
            return configured;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        component.defaultLabels().forEach((k, v) -> labels.put(k, Component.CREATED_BY.equals(v) ? ownerName : v));
        return labels;
    }
}
