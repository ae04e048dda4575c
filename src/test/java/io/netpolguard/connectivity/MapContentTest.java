package io.netpolguard.connectivity;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cluster.ClusterSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the shop fixture's map says, connection by connection, and why. */
class MapContentTest {
    private static final ClusterSnapshot SHOP = Fixtures.cluster(List.of(Fixtures.SHOP));
    private static final List<String> LINES = Fixtures.lines(Fixtures.map(SHOP, Grouping.workload));

    @Test
    void namedPortsAreResolvedOnTheDestinationAndPortRangesIntersected() {
        // web may send to api's port "http" (8080); api accepts 8080-8090 and SCTP 9000 from web
        assertThat(LINES).contains("shop/Deployment/web => shop/Deployment/api : TCP 8080",
                "shop/Deployment/web => kube-system/Deployment/coredns : UDP 53");
    }

    @Test
    void anIpBlockTakesInTheAddressesOfPodsAndHostNetworkPodsAreOutsidePolicy() {
        // the agents run in the host network: the nodes' ipBlock lets them in; policies never select them
        assertThat(LINES).contains("monitoring/DaemonSet/agent => db/StatefulSet/db : TCP 9187",
                "shop/Deployment/web => monitoring/DaemonSet/agent : TCP 443",
                "db/StatefulSet/db => monitoring/DaemonSet/agent : all ports");
    }

    @Test
    void addressRangesAreConnectedByIpBlocksOnly() {
        assertThat(LINES).contains("shop/Deployment/web => 0.0.0.0-9.255.255.255 : TCP 443",
                "shop/Deployment/web => 11.0.0.0-172.17.255.255 : TCP 443",
                "10.1.0.0/16 => db/StatefulSet/db : TCP 5432")
                .noneMatch(l -> l.startsWith("shop/Deployment/web => 10."))
                .noneMatch(l -> l.startsWith("0.0.0.0-9.255.255.255 => shop/"));
    }

    @Test
    void clusterWideTiersDecideAboveAndBelowNetworkPolicy() {
        // report's egress allows everything, but the AdminNetworkPolicy denies shop -> monitoring pods
        assertThat(LINES).noneMatch(l -> l.startsWith("shop/Job/report => monitoring/Pod/prometheus"))
                .contains("shop/Job/report => kube-system/Deployment/coredns : all ports");
    }

    @Test
    void whatTheEngineCannotJudgeIsUnverifiableNeverAllowed() {
        // a CiliumNetworkPolicy in legacy may allow or deny anything there
        assertThat(LINES).contains("legacy/Pod/old => kube-system/Deployment/coredns : (unverifiable: all ports)",
                "kube-system/Deployment/coredns => legacy/Pod/old : (unverifiable: all ports)")
                .noneMatch(l -> l.contains("legacy/Pod/old") && !l.contains("unverifiable"));
    }

    @Test
    void aTemplateWithoutAddressIsUnverifiableToAnIpBlockThatMayOrMayNotHoldIt() {
        ClusterSnapshot snapshot = Fixtures.cluster(List.of(Fixtures.SHOP), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: api-from-nodes, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  policyTypes: [Ingress]
                  ingress: [{from: [{ipBlock: {cidr: 10.1.0.0/16}}], ports: [{port: 8080}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: api-egress, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: api}}
                  policyTypes: [Egress]
                  egress: [{}]
                """);

        // api's pods have no known address: they may or may not be in 10.1.0.0/16
        assertThat(Fixtures.lines(Fixtures.map(snapshot, Grouping.workload)))
                .contains("shop/Deployment/api => shop/Deployment/web : (unverifiable: TCP 8080)");
    }
}
