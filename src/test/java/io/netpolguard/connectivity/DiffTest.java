package io.netpolguard.connectivity;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cluster.ClusterSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffTest {
    private static final ClusterSnapshot SHOP = Fixtures.cluster(List.of(Fixtures.SHOP));

    private static List<String> changes(MapDiff diff) {
        return diff.changes().stream().map(c -> c.kind() + " " + c.from().name() + " => " + c.to().name() + " : "
                + (c.before() == null ? "" : c.before().portsText()) + " -> " + (c.after() == null ? "" : c.after().portsText()))
                .toList();
    }

    @Test
    void theSameClusterTwiceHasNoDifferences() {
        assertThat(Connectivity.diff(SHOP, SHOP, Grouping.workload, Focus.EVERYTHING, Progress.NONE).isEmpty()).isTrue();
    }

    @Test
    void connectionsAddedRemovedAndChangedAreListed() {
        ClusterSnapshot after = Fixtures.cluster(List.of(Fixtures.SHOP), """
                # api now also accepts the report Job on 8080 (added), web on 8081 too (changed)
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: api-ingress, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: api}}
                  policyTypes: [Ingress]
                  ingress:
                    - from: [{podSelector: {matchLabels: {app: report}}}]
                      ports: [{port: 8080}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web-egress, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  policyTypes: [Egress]
                  egress:
                    - to: [{podSelector: {matchLabels: {app: api}}}]
                      ports: [{port: http}]
                """);

        MapDiff diff = Connectivity.diff(SHOP, after, Grouping.workload, Focus.EVERYTHING, Progress.NONE);

        assertThat(changes(diff)).contains(
                "added shop/Job/report => shop/Deployment/api :  -> TCP 8080",
                "removed shop/Deployment/web => shop/Deployment/api : TCP 8080 -> ",
                "removed shop/Deployment/web => kube-system/Deployment/coredns : UDP 53 -> ",
                "removed shop/Deployment/web => db/StatefulSet/db : (some pods only: TCP 5432) -> ");
        assertThat(diff.count(Change.Kind.added)).isEqualTo(1);
    }

    @Test
    void portsThatDifferAreAChangeAndBothClustersAreCutAtTheIpBlocksOfEither() {
        ClusterSnapshot after = Fixtures.cluster(List.of(Fixtures.SHOP), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web-egress, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  policyTypes: [Egress]
                  egress:
                    - to: [{podSelector: {matchLabels: {app: api}}}]
                      ports: [{port: http}]
                    - to: [{namespaceSelector: {matchLabels: {team: data}}}]
                      ports: [{port: 5432}]
                    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
                      ports: [{port: 53, protocol: UDP}, {port: 53}]
                    - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 203.0.113.0/24]}}]
                      ports: [{port: 443}]
                """);

        List<String> changes = changes(Connectivity.diff(SHOP, after, Grouping.workload, Focus.EVERYTHING, Progress.NONE));

        assertThat(changes).containsExactly(
                "changed shop/Deployment/web => kube-system/Deployment/coredns : UDP 53 -> TCP 53; UDP 53",
                "removed shop/Deployment/web => 203.0.113.0/24 : TCP 443 -> ");
    }
}
