package io.netpolguard.dynatrace;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
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
    private final String operatorNamespace;

    Components(ClusterSnapshot snapshot, DynatraceSettings settings, String operatorNamespace) {
        this.snapshot = snapshot;
        this.settings = settings;
        this.operatorNamespace = operatorNamespace;
    }

    String operatorNamespace() {
        return operatorNamespace;
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
        String name = component.workloadName(ownerName);
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

    private String namespaceOf(Component component, String ownerNamespace) {
        return switch (component.owner()) {
            case OPERATOR -> operatorNamespace;
            case GUARD -> settings.guardNamespace();
            case DYNAKUBE, EDGECONNECT -> ownerNamespace == null ? operatorNamespace : ownerNamespace;
        };
    }

    /** Whether the labels carry every key and value of the selector (a matchLabels selector). */
    static boolean matchesAll(Map<String, String> selector, LabelSet labels) {
        for (Map.Entry<String, String> entry : selector.entrySet()) {
            if (!entry.getValue().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
