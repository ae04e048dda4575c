package io.netpolguard.connectivity;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.ClusterPolicy;
import io.netpolguard.netpol.ClusterRule;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.PortMatch;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.Rule;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The map, listed per pod, says for every ordered pair of pods (and of a pod and an address range) what the engine
 * says when asked about each connection on its own, as {@code probe} asks it: on every port where some rule's ports
 * begin or end, next to it, on every declared port, and on random ports, over TCP, UDP and SCTP.
 */
class AgreesWithEngineTest {

    static Stream<Arguments> clusters() {
        return Stream.of(
                Arguments.of("x/y/z with probe/cluster", Fixtures.cluster(List.of(Fixtures.XYZ, Fixtures.XYZ_POLICIES))),
                Arguments.of("x/y/z, ipBlocks on pods, named ports, ranges", Fixtures.cluster(List.of(Fixtures.XYZ), XYZ_POLICIES)),
                Arguments.of("x/y/z, cluster-wide tiers and a Cilium policy", Fixtures.cluster(List.of(Fixtures.XYZ), XYZ_TIERS)),
                Arguments.of("shop", Fixtures.cluster(List.of(Fixtures.SHOP))),
                Arguments.of("k8s/examples/cluster", Fixtures.cluster(List.of(Fixtures.EXAMPLE))));
    }

    /** Egress and ingress isolation, ipBlocks that take in some pods' addresses, named ports, port ranges. */
    static final String XYZ_POLICIES = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: a-egress, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              policyTypes: [Egress]
              egress:
                - to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.0/24]}}]
                  ports: [{port: 80, endPort: 90}, {port: serve-81-udp, protocol: UDP}]
                - to: [{namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchExpressions: [{key: pod, operator: In, values: [b, c]}]}}]
                - to: [{ipBlock: {cidr: 192.0.2.0/24}}]
                  ports: [{port: 443}, {protocol: SCTP, port: 81}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-in, namespace: y}
            spec:
              podSelector: {}
              ingress:
                - from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: a}}}]
                  ports: [{port: serve-80-tcp}, {port: 81, protocol: UDP}]
                - from: [{ipBlock: {cidr: "fd00::1:0/112"}}]
                  ports: [{port: 81}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: c-only, namespace: z}
            spec:
              podSelector: {matchLabels: {pod: c}}
              policyTypes: [Ingress, Egress]
              ingress: [{from: [{podSelector: {}}]}]
              egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.1.0/24]}}], ports: [{port: 80}, {port: 1000, endPort: 2000}]}]
            """;

    /** Admin and Baseline tiers over NetworkPolicy, and a policy of a kind the engine does not evaluate. */
    static final String XYZ_TIERS = """
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: admin}
            spec:
              priority: 10
              subject: {namespaces: {matchLabels: {ns: x}}}
              egress:
                - {name: deny-y-81, action: Deny, to: [{namespaces: {matchLabels: {ns: y}}}], ports: [{portNumber: {protocol: TCP, port: 81}}]}
                - {name: pass-z, action: Pass, to: [{pods: {namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchLabels: {pod: a}}}}]}
                - {name: accept-named, action: Allow, to: [{namespaces: {}}], ports: [{namedPort: serve-80-udp}]}
            ---
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: BaselineAdminNetworkPolicy
            metadata: {name: default}
            spec:
              subject: {namespaces: {}}
              ingress:
                - {name: no-z, action: Deny, from: [{namespaces: {matchLabels: {ns: z}}}], ports: [{portRange: {protocol: TCP, start: 80, end: 81}}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: z-in, namespace: z}
            spec:
              podSelector: {matchLabels: {pod: b}}
              ingress: [{from: [{namespaceSelector: {matchLabels: {ns: x}}}], ports: [{port: 81}]}]
            ---
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: l7, namespace: y}
            spec: {endpointSelector: {}}
            """;

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void everyPodPairAndAddressRangeGetsTheEnginesVerdictOnEveryPort(String name, ClusterSnapshot snapshot) {
        ConnectivityMap map = Fixtures.map(snapshot, Grouping.pod);
        PolicyEngine engine = snapshot.engine();
        Map<List<End>, Link> links = new HashMap<>();
        map.links().forEach(l -> links.put(List.of(l.from(), l.to()), l));
        List<Integer> ports = ports(snapshot);
        Map<End, Endpoint> endpoints = new HashMap<>();
        for (End end : map.ends()) {
            endpoints.put(end, endpoint(end, snapshot));
        }
        int checked = 0;
        for (End from : map.ends()) {
            for (End to : map.ends()) {
                if (from instanceof AddressRange && to instanceof AddressRange
                        || from.equals(to) && endpoints.get(from) instanceof PodEndpoint pod && pod.isPod()
                        || endpoints.get(from) == null || endpoints.get(to) == null) {
                    continue;
                }
                Link link = links.get(List.of(from, to));
                for (Protocol protocol : Protocol.values()) {
                    for (int port : ports) {
                        Outcome expected = engine.evaluate(new Connection(endpoints.get(from), endpoints.get(to), port,
                                protocol)).outcome();
                        assertThat(listed(link, protocol, port)).as("%s => %s on %s/%d", from, to, protocol, port)
                                .isEqualTo(expected);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    private static Outcome listed(Link link, Protocol protocol, int port) {
        if (link == null) {
            return Outcome.BLOCKED;
        }
        assertThat(link.somePods().isEmpty()).as("one pod per end: %s", link).isTrue();
        if (link.allowed().contains(protocol, port)) {
            return Outcome.ALLOWED;
        }
        return link.unverifiable().contains(protocol, port) ? Outcome.UNDETERMINED : Outcome.BLOCKED;
    }

    /** The pod or template of a pod-level end; for an address range, an address of it that is no pod's. */
    private static Endpoint endpoint(End end, ClusterSnapshot snapshot) {
        if (end instanceof Workload workload) {
            return snapshot.pods().in(workload.namespace()).stream()
                    .filter(p -> p.kind().equals(workload.kind()) && p.name().equals(workload.workloadName()))
                    .findFirst().orElseThrow(() -> new AssertionError("no pod or template " + end));
        }
        AddressRange range = (AddressRange) end;
        for (InetAddress address : List.of(Cidr.address(range.ipv4(), range.first()),
                Cidr.address(range.ipv4(), range.last()))) {
            boolean pods = snapshot.pods().all().stream().anyMatch(p -> p.addresses().contains(address));
            if (!pods) {
                return ExternalEndpoint.ofAddress(address);
            }
        }
        return null;
    }

    /** Every port where a rule's ports begin or end and its neighbours, every declared port, and random ports. */
    private static List<Integer> ports(ClusterSnapshot snapshot) {
        TreeSet<Integer> ports = new TreeSet<>(List.of(1, 2, 65534, 65535));
        List<PortMatch> matches = new ArrayList<>();
        for (CompiledPolicy policy : snapshot.policies().all()) {
            Stream.concat(policy.ingress().stream(), policy.egress().stream()).map(Rule::ports).forEach(matches::addAll);
        }
        for (ClusterPolicy policy : snapshot.clusterPolicies().all()) {
            Stream.concat(policy.ingress().stream(), policy.egress().stream()).map(ClusterRule::ports).forEach(matches::addAll);
        }
        for (PortMatch match : matches) {
            if (match.name() == null) {
                for (int port : new int[] {match.from() - 1, match.from(), match.to(), match.to() + 1}) {
                    ports.add(port);
                }
            }
        }
        for (PodEndpoint pod : snapshot.pods().all()) {
            for (ContainerPort declared : pod.ports()) {
                ports.add(declared.number() - 1);
                ports.add(declared.number());
                ports.add(declared.number() + 1);
            }
        }
        Random random = new Random(15);
        for (int i = 0; i < 5; i++) {
            ports.add(1 + random.nextInt(65535));
        }
        return ports.stream().filter(p -> p >= 1 && p <= 65535).toList();
    }
}
