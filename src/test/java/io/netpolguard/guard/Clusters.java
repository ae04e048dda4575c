package io.netpolguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import io.netpolguard.dynatrace.DynatraceSettings;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.HostResolver;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.netpol.IpAddresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Clusters written as manifests, the guard that judges them, and what the judgement tests compare. */
final class Clusters {
    private Clusters() {
    }

    /** The snapshot of {@code yaml}; every manifest must be of a kind the guard reads. */
    static ClusterSnapshot of(String yaml) {
        List<String> skipped = new ArrayList<>();
        SnapshotBuilder builder = new SnapshotBuilder(skipped::add);
        Manifests.parse(yaml, "test").forEach(d -> builder.add(d.node(), d.origin()));
        assertThat(skipped).isEmpty();
        return builder.build();
    }

    /** A guard with the default settings, the tenant {@code abc12345.live.dynatrace.com} at 203.0.113.10. */
    static Guard guard() {
        return new Guard(new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(),
                HostResolver.offline(Map.of("abc12345.live.dynatrace.com",
                        List.of(IpAddresses.parse("203.0.113.10").orElseThrow())))), GuardSettings.defaults());
    }

    /** {@code operation} of the NetworkPolicy {@code yaml}. */
    static Change.PolicyChange policyChange(String yaml, Change.Operation operation) {
        try {
            NetworkPolicy policy = Manifests.JSON.treeToValue(Manifests.parse(yaml, "test").get(0).node(),
                    NetworkPolicy.class);
            return new Change.PolicyChange(operation, policy.getMetadata().getNamespace(),
                    policy.getMetadata().getName(), policy, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The result of the flow {@code key} after {@code change} as {@code guard} judged it (a finding's), equal
     * connection by connection to the result of a fresh guard's audit of the cluster after the change, each verdict
     * made when read saying what its status said before.
     */
    static FlowResult judgedAsFromScratch(Judgement judged, ClusterSnapshot after, String key) {
        FlowResult found = judged.findings().stream().filter(f -> f.result().flow().key().equals(key))
                .map(Finding::result).findFirst().orElseThrow();
        FlowResult expected = guard().check(after).stream().filter(r -> r.flow().key().equals(key)).findFirst()
                .orElseThrow();
        assertThat(connections(found)).isEqualTo(connections(expected));
        for (int c = 0; c < found.connections().size(); c++) {
            assertThat(found.connections().get(c).status()).isEqualTo(found.statusAt(c));
        }
        return found;
    }

    /** Each connection as "source-pod status", its status as known before its verdict is read. */
    static List<String> connections(FlowResult result) {
        List<String> connections = new ArrayList<>();
        for (int c = 0; c < result.connections().size(); c++) {
            String pod = result.flow().connections().get(c).source().endpoint().displayName();
            connections.add(pod.substring(pod.indexOf('/') + 1) + " " + result.statusAt(c).name().toLowerCase()
                    .replace('_', '-'));
        }
        return connections;
    }
}
