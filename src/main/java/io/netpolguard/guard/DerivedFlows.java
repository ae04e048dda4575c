package io.netpolguard.guard;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.PodEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Required flows depend on pods, namespaces, the API server's endpoints, the Dynatrace objects and
 * the addresses host names resolve to, not on policies. A policy change shares all of those with the snapshot before it, so the flows
 * derived for one snapshot serve every policy change judged against it, and are indexed by
 * namespace for locality.
 */
final class DerivedFlows {
    private final RequiredFlows requiredFlows;
    private volatile Entry last;

    DerivedFlows(RequiredFlows requiredFlows) {
        this.requiredFlows = requiredFlows;
    }

    /** What the flows are derived from, compared by identity: snapshots share these objects. */
    private record Inputs(Object pods, Object namespaces, Object services, Object slices, Object endpoints,
            Object dynaKubes, Object edgeConnects, long resolverGeneration) {
        static Inputs of(ClusterSnapshot snapshot, long resolverGeneration) {
            return new Inputs(snapshot.pods(), snapshot.namespaces(), snapshot.services(), snapshot.endpointSlices(),
                    snapshot.endpoints(), snapshot.dynaKubes(), snapshot.edgeConnects(), resolverGeneration);
        }

        boolean sameAs(Inputs other) {
            return resolverGeneration == other.resolverGeneration && pods == other.pods && namespaces == other.namespaces && services == other.services
                    && slices == other.slices && endpoints == other.endpoints && dynaKubes == other.dynaKubes
                    && edgeConnects == other.edgeConnects;
        }
    }

    private record Entry(Inputs inputs, List<RequiredFlow> flows, Map<String, List<RequiredFlow>> byNamespace) {
    }

    List<RequiredFlow> flows(ClusterSnapshot snapshot) {
        return entry(snapshot).flows();
    }

    /** The flows with a connection that has an end in {@code namespace}, restricted to those connections. */
    List<RequiredFlow> touching(ClusterSnapshot snapshot, String namespace) {
        return entry(snapshot).byNamespace().computeIfAbsent(namespace, n -> restrict(entry(snapshot).flows(), n));
    }

    private Entry entry(ClusterSnapshot snapshot) {
        Inputs inputs = Inputs.of(snapshot, requiredFlows.resolverGeneration());
        Entry current = last;
        if (current != null && current.inputs().sameAs(inputs)) {
            return current;
        }
        Entry fresh = new Entry(inputs, requiredFlows.derive(snapshot), new ConcurrentHashMap<>());
        last = fresh;
        return fresh;
    }

    private static List<RequiredFlow> restrict(List<RequiredFlow> flows, String namespace) {
        List<RequiredFlow> touching = new ArrayList<>();
        for (RequiredFlow flow : flows) {
            List<FlowConnection> connections = flow.connections().stream()
                    .filter(c -> inNamespace(c.connection().source(), namespace)
                            || inNamespace(c.connection().destination(), namespace))
                    .toList();
            if (!connections.isEmpty()) {
                touching.add(new RequiredFlow(flow.definition(), flow.owner(), connections, flow.unverifiableReason(),
                        flow.notes()));
            }
        }
        return List.copyOf(touching);
    }

    private static boolean inNamespace(Endpoint endpoint, String namespace) {
        return endpoint instanceof PodEndpoint pod && pod.namespace().equals(namespace);
    }
}
