package io.netpolguard.dynatrace;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.netpolguard.cluster.ClusterSnapshot;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the operator runs. Its pods (operator or webhook labels) say so; lacking those, the
 * DynaKubes and EdgeConnects do, which must live in the operator's namespace (cmd/operator/manager.go
 * watches only its own). A configured namespace that holds no operator pods while another namespace
 * does is a problem: the flows are then judged where the pods really are, and the problem is reported.
 *
 * @param found whether any operator pod, DynaKube or EdgeConnect exists at all
 */
public record OperatorNamespace(String namespace, boolean found, String problem) {
    static final String FALLBACK = "dynatrace";

    /** The namespaces where operator or webhook pods run: a look at every pod, which depends on nothing but them. */
    static Set<String> namespacesWithPods(ClusterSnapshot snapshot, DynatraceSettings settings) {
        return namespacesWithPods(snapshot, settings, snapshot.pods().namespaces());
    }

    /** {@link #namespacesWithPods(ClusterSnapshot, DynatraceSettings)} among {@code namespaces} alone. */
    static Set<String> namespacesWithPods(ClusterSnapshot snapshot, DynatraceSettings settings,
            Collection<String> namespaces) {
        Set<String> withPods = new TreeSet<>();
        for (Component component : List.of(Component.OPERATOR, Component.WEBHOOK)) {
            Map<String, String> selector = settings.selectorOf(component, "");
            for (String namespace : namespaces) {
                if (snapshot.pods().labelSetsIn(namespace).stream()
                        .anyMatch(pod -> Components.matchesAll(selector, pod.labels()))) {
                    withPods.add(namespace);
                }
            }
        }
        return Set.copyOf(withPods);
    }

    /** @param namespacesWithPods {@link #namespacesWithPods} of the snapshot */
    static OperatorNamespace of(ClusterSnapshot snapshot, DynatraceSettings settings, Set<String> namespacesWithPods) {
        Set<String> withPods = new TreeSet<>(namespacesWithPods);
        Set<String> withObjects = new TreeSet<>();
        for (List<GenericKubernetesResource> objects : List.of(snapshot.dynaKubes(), snapshot.edgeConnects())) {
            for (GenericKubernetesResource object : objects) {
                String namespace = object.getMetadata().getNamespace();
                withObjects.add(namespace == null ? "default" : namespace);
            }
        }
        boolean found = !withPods.isEmpty() || !withObjects.isEmpty();
        String configured = settings.operatorNamespace();
        if (configured != null && (withPods.isEmpty() || withPods.contains(configured))) {
            return new OperatorNamespace(configured, found, null);
        }
        if (configured != null) {
            String actual = withPods.iterator().next();
            return new OperatorNamespace(actual, true, "netpol-guard.operator.namespace is " + configured
                    + ", but the Dynatrace Operator's pods run in " + String.join(", ", withPods) + "; judging the flows in "
                    + actual + " (set netpol-guard.operator.namespace=" + actual + " or leave it unset to find it)");
        }
        if (withPods.size() > 1) {
            String chosen = withPods.stream().filter(withObjects::contains).findFirst().orElse(withPods.iterator().next());
            return new OperatorNamespace(chosen, true, "Dynatrace Operator pods run in several namespaces ("
                    + String.join(", ", withPods) + "); judging the flows in " + chosen
                    + " (set netpol-guard.operator.namespace to choose)");
        }
        if (!withPods.isEmpty()) {
            return new OperatorNamespace(withPods.iterator().next(), true, null);
        }
        if (!withObjects.isEmpty()) {
            return new OperatorNamespace(withObjects.iterator().next(), true, null);
        }
        return new OperatorNamespace(FALLBACK, false, null);
    }
}
