package io.netpolguard.cli;

import io.netpolguard.cluster.ClusterObjects;
import io.netpolguard.guard.ConnectionResult;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.FlowStatus;
import io.netpolguard.netpol.ClusterPolicyKind;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.SideVerdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a finding points: the policies that decide the sides of a flow's connections that do not allow it (the
 * cluster-wide policy whose rule decided, else the NetworkPolicies isolating the pod), else the DynaKube or EdgeConnect
 * that needs the flow. Each is an object, with the file and line it was read from when the input was manifests.
 */
final class FindingLocations {

    /** An object: {@code entry} is empty when the object was not read from a file. */
    record Location(String group, String kind, String namespace, String name, Optional<ClusterObjects.Entry> entry) {
        /** {@code NetworkPolicy/dynatrace/default-deny}, {@code AdminNetworkPolicy/deny-egress}. */
        String qualifiedName() {
            return kind + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
        }
    }

    private final ClusterInput input;

    FindingLocations(ClusterInput input) {
        this.input = input;
    }

    List<Location> of(FlowResult result) {
        Set<List<String>> objects = new LinkedHashSet<>();
        for (ConnectionResult connection : result.connections()) {
            if (connection.verdict() == null || connection.status() == FlowStatus.ALLOWED
                    || connection.status() == FlowStatus.NOT_APPLICABLE) {
                continue;
            }
            for (SideVerdict side : List.of(connection.verdict().egress(), connection.verdict().ingress())) {
                if (side.outcome() == Outcome.ALLOWED) {
                    continue;
                }
                if (side.decidedByClusterRule()) {
                    objects.add(List.of(ClusterPolicyKind.GROUP, side.cluster().policy().kind().kind(), "",
                            side.cluster().policy().name()));
                } else {
                    for (CompiledPolicy policy : side.isolating()) {
                        objects.add(List.of("networking.k8s.io", "NetworkPolicy", policy.namespace(), policy.name()));
                    }
                }
            }
        }
        if (objects.isEmpty()) {
            owner(result.flow().owner()).ifPresent(objects::add);
        }
        List<Location> locations = new ArrayList<>();
        for (List<String> object : objects) {
            Optional<ClusterObjects.Entry> entry = input.fromManifests()
                    ? input.objects().find(object.get(0), object.get(1), object.get(2), object.get(3)) : Optional.empty();
            locations.add(new Location(object.get(0), object.get(1), object.get(2), object.get(3), entry));
        }
        return locations;
    }

    /** The owner of a flow, {@code DynaKube dynatrace/dynakube}, as an object. */
    private static Optional<List<String>> owner(String owner) {
        int space = owner.indexOf(' ');
        int slash = owner.indexOf('/');
        if (space < 0 || slash < space) {
            return Optional.empty();
        }
        return Optional.of(List.of("dynatrace.com", owner.substring(0, space), owner.substring(space + 1, slash),
                owner.substring(slash + 1)));
    }
}
