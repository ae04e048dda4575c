package io.netpolguard.netpol;

import static io.netpolguard.netpol.Protocol.TCP;
import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A connection may use any address of its peer: a host with several addresses, a label set whose pods have
 * different addresses, dual-stack pods, a range (the control plane), or an address that is not known (anywhere
 * in the IP families the cluster's pods use). It is allowed only when every one of them is.
 */
class AddressesTest {
    private static final String IPV4_POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: client, namespace: app, labels: {app: client}}
            status: {podIP: 10.244.0.5}
            """;
    private static final String DUAL_STACK_POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: client, namespace: app, labels: {app: client}}
            status:
              podIP: 10.244.0.5
              podIPs: [{ip: 10.244.0.5}, {ip: "fd00::5"}]
            """;

    private static String egressOfClient(String peers) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: client-egress, namespace: app}
                spec:
                  podSelector: {matchLabels: {app: client}}
                  policyTypes: [Egress]
                  egress:
                %s""".formatted(peers.indent(4));
    }

    private static ClusterSnapshot cluster(String... manifests) {
        SnapshotBuilder builder = new SnapshotBuilder(s -> {
        });
        for (String manifest : manifests) {
            Manifests.parse(manifest, "test").forEach(d -> builder.add(d.node(), d.origin()));
        }
        return builder.build();
    }

    private static Verdict fromClient(ClusterSnapshot snapshot, Endpoint to) {
        return snapshot.engine().evaluate(new Connection(snapshot.pod("app", "client").orElseThrow(), to, 443, TCP));
    }

    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow();
    }

    private static ExternalEndpoint tenant(String... addresses) {
        return new ExternalEndpoint("abc12345.live.dynatrace.com", List.of(addresses).stream().map(AddressesTest::ip).toList());
    }

    @Test
    void aHostWithSeveralAddressesIsAllowedOnlyWhenEachIs() {
        ClusterSnapshot snapshot = cluster(IPV4_POD, egressOfClient("- to: [{ipBlock: {cidr: 203.0.113.10/32}}]"));

        Verdict verdict = fromClient(snapshot, tenant("203.0.113.10", "203.0.113.11"));

        assertThat(verdict.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(verdict.egress().leftOut()).containsExactly(Cidr.parse("203.0.113.11/32"));
        assertThat(verdict.explanation()).contains("allow abc12345.live.dynatrace.com (203.0.113.10, 203.0.113.11)"
                + " at some of its addresses but not at 203.0.113.11");
        assertThat(fromClient(snapshot, tenant("203.0.113.10")).allowed()).isTrue();
    }

    @Test
    void differentRulesMayAllowDifferentAddresses() {
        ClusterSnapshot snapshot = cluster(IPV4_POD, egressOfClient("""
                - to: [{ipBlock: {cidr: 203.0.113.10/32}}]
                - to: [{ipBlock: {cidr: 203.0.113.11/32}}]
                """));

        assertThat(fromClient(snapshot, tenant("203.0.113.10", "203.0.113.11")).allowed()).isTrue();
        assertThat(fromClient(snapshot, tenant("203.0.113.10", "203.0.113.12")).allowed()).isFalse();
    }

    @Test
    void aLabelSetWhosePodsHaveDifferentAddressesNeedsEachAllowed() {
        String servers = """
                apiVersion: v1
                kind: Pod
                metadata: {name: server-1, namespace: db, labels: {app: db}}
                status: {podIP: 10.244.1.1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: server-2, namespace: db, labels: {app: db}}
                status: {podIP: 10.244.2.1}
                """;
        ClusterSnapshot snapshot = cluster(IPV4_POD, servers, egressOfClient("- to: [{ipBlock: {cidr: 10.244.1.0/24}}]"));
        PodEndpoint labelSet = snapshot.pods().labelSetsIn("db").get(0);

        assertThat(labelSet.addresses()).hasSize(2);
        assertThat(fromClient(snapshot, labelSet).outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(fromClient(snapshot, snapshot.pod("db", "server-1").orElseThrow()).allowed()).isTrue();
    }

    @Test
    void dualStackHostsAreJudgedInEachFamily() {
        ClusterSnapshot snapshot = cluster(DUAL_STACK_POD, egressOfClient("- to: [{ipBlock: {cidr: 0.0.0.0/0}}]"));

        Verdict verdict = fromClient(snapshot, tenant("203.0.113.10", "2001:db8::10"));

        assertThat(verdict.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(verdict.explanation()).contains("but not at 2001:db8:0:0:0:0:0:10");
    }

    @Test
    void anUnresolvedHostInAnIpv4OnlyClusterIsJudgedInIpv4Only() {
        ExternalEndpoint unresolved = new ExternalEndpoint("proxy.example.com", List.of());

        assertThat(fromClient(cluster(IPV4_POD, egressOfClient("- to: [{ipBlock: {cidr: 0.0.0.0/0}}]")), unresolved)
                .outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(fromClient(cluster(IPV4_POD, egressOfClient("- to: [{ipBlock: {cidr: \"::/0\"}}]")), unresolved)
                .outcome()).isEqualTo(Outcome.BLOCKED);
    }

    @Test
    void anUnresolvedHostInADualStackClusterNeedsBothFamilies() {
        ExternalEndpoint unresolved = new ExternalEndpoint("proxy.example.com", List.of());

        Verdict ipv4Only = fromClient(cluster(DUAL_STACK_POD, egressOfClient("- to: [{ipBlock: {cidr: 0.0.0.0/0}}]")),
                unresolved);
        assertThat(ipv4Only.outcome()).isEqualTo(Outcome.UNDETERMINED);
        assertThat(ipv4Only.explanation()).contains("its address is not known (it may be anywhere in 0.0.0.0/0, ::/0)");
        assertThat(fromClient(cluster(DUAL_STACK_POD, egressOfClient("""
                - to: [{ipBlock: {cidr: 0.0.0.0/0}}, {ipBlock: {cidr: "::/0"}}]
                """)), unresolved).outcome()).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void aRangeIsAllowedWhenAnIpBlockCoversAllOfItAndNoExceptOverlapsIt() {
        ExternalEndpoint controlPlane = ExternalEndpoint.ofRange("control plane 172.18.0.0/24", Cidr.parse("172.18.0.0/24"));
        String allowing = egressOfClient("- to: [{ipBlock: {cidr: 172.18.0.0/16}}]");
        String partly = egressOfClient("- to: [{ipBlock: {cidr: 172.18.0.0/25}}]");
        String withExcept = egressOfClient("- to: [{ipBlock: {cidr: 172.18.0.0/16, except: [172.18.0.1/32]}}]");
        String excluded = egressOfClient("- to: [{ipBlock: {cidr: 172.18.0.0/16, except: [172.18.0.0/23]}}]");
        String elsewhere = egressOfClient("- to: [{ipBlock: {cidr: 10.0.0.0/8}}]");

        assertThat(fromClient(cluster(IPV4_POD, allowing), controlPlane).outcome()).isEqualTo(Outcome.ALLOWED);
        Verdict partial = fromClient(cluster(IPV4_POD, partly), controlPlane);
        assertThat(partial.outcome()).isEqualTo(Outcome.UNDETERMINED);
        assertThat(partial.explanation()).contains("ipBlock rules cover only part of control plane 172.18.0.0/24")
                .contains("peer matches only part of control plane 172.18.0.0/24 (ipBlock 172.18.0.0/25)");
        assertThat(fromClient(cluster(IPV4_POD, withExcept), controlPlane).outcome()).isEqualTo(Outcome.UNDETERMINED);
        assertThat(fromClient(cluster(IPV4_POD, excluded), controlPlane).outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(fromClient(cluster(IPV4_POD, elsewhere), controlPlane).outcome()).isEqualTo(Outcome.BLOCKED);
    }
}
