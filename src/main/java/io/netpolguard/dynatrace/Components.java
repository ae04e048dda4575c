package io.netpolguard.dynatrace;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.NamespaceInfo;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds a component's pods in a snapshot by its selector labels, one endpoint per label set. A
 * component that has no pods yet is represented by the pods it will have (its default labels and
 * ports), so a change that would block it is caught before it starts.
 */
final class Components {
    private final ClusterSnapshot snapshot;
    private final DynatraceSettings settings;

    Components(ClusterSnapshot snapshot, DynatraceSettings settings) {
        this.snapshot = snapshot;
        this.settings = settings;
    }

    boolean exists(Component component, String ownerName) {
        return !running(settings.selectorOf(component, ownerName), namespaceOf(component, null)).isEmpty();
    }

    List<PodEndpoint> find(Component component, String ownerName, String ownerNamespace) {
        Map<String, String> selector = settings.selectorOf(component, ownerName);
        String namespace = namespaceOf(component, ownerNamespace);
        List<PodEndpoint> found = running(selector, namespace);
        if (!found.isEmpty()) {
            return found;
        }
        String name = ownerName.isEmpty() ? component.id() : ownerName + "-" + component.id();
        return List.of(new PodEndpoint(PodEndpoint.EXPECTED, namespace, name, LabelSet.of(selector), List.of(),
                component.hostNetwork(), component.ports()));
    }

    /** Pods matching the selector labels in a namespace, one per label set. */
    List<PodEndpoint> running(Map<String, String> selector, String namespace) {
        List<PodEndpoint> found = new ArrayList<>();
        for (PodEndpoint pod : snapshot.pods().labelSetsIn(namespace)) {
            if (matchesAll(selector, pod.labels())) {
                found.add(pod);
            }
        }
        return found;
    }

    /**
     * Application pods the DynaKube injects into: pods of the namespaces its namespaceSelector
     * selects, or of every namespace but the operator's, the DynaKube's and {@code kube-*}.
     */
    List<PodEndpoint> monitoredApps(DynaKube dynaKube) {
        Selector selector = dynaKube.injectionNamespaceSelector() == null ? null
                : Selector.compile(dynaKube.injectionNamespaceSelector());
        List<PodEndpoint> apps = new ArrayList<>();
        for (String namespace : snapshot.pods().namespaces().stream().sorted().toList()) {
            if (namespace.equals(settings.operatorNamespace()) || namespace.equals(dynaKube.namespace())
                    || namespace.startsWith("kube-")) {
                continue;
            }
            LabelSet labels = snapshot.namespace(namespace).map(NamespaceInfo::labels)
                    .orElse(NamespaceInfo.implicit(namespace).labels());
            if (selector == null || selector.matches(labels)) {
                apps.addAll(snapshot.pods().labelSetsIn(namespace));
            }
        }
        return apps;
    }

    private String namespaceOf(Component component, String ownerNamespace) {
        return switch (component.owner()) {
            case OPERATOR -> settings.operatorNamespace();
            case GUARD -> settings.guardNamespace();
            case DYNAKUBE, EDGECONNECT -> ownerNamespace == null ? settings.operatorNamespace() : ownerNamespace;
        };
    }

    private static boolean matchesAll(Map<String, String> selector, LabelSet labels) {
        for (Map.Entry<String, String> entry : selector.entrySet()) {
            if (!entry.getValue().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
