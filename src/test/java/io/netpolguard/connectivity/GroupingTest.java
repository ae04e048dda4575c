package io.netpolguard.connectivity;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cluster.ClusterSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pods are grouped into the workloads a person names, from ownerReferences or from the labels controllers set. */
class GroupingTest {
    private static final ClusterSnapshot SHOP = Fixtures.cluster(List.of(Fixtures.SHOP));

    private static List<String> workloads(ConnectivityMap map) {
        return map.ends().stream().filter(e -> e instanceof Workload).map(End::name).toList();
    }

    @Test
    void podsAreTheirWorkloadsAndATemplateStandsForAWorkloadWithoutPods() {
        ConnectivityMap map = Fixtures.map(SHOP, Grouping.workload);

        assertThat(workloads(map)).containsExactly(
                "db/StatefulSet/db",                   // statefulset.kubernetes.io/pod-name, no ownerReferences
                "kube-system/Deployment/coredns",      // pod-template-hash in the pod's name
                "legacy/Pod/old",                      // a pod of its own
                "monitoring/DaemonSet/agent",          // controller-revision-hash and pod-template-generation
                "monitoring/Pod/prometheus",
                "shop/Deployment/api",                 // its template: no pod of it in the manifests
                "shop/Deployment/web",                 // pods -> ReplicaSet -> Deployment by ownerReferences
                "shop/Job/report");                    // job-name
    }

    @Test
    void byPodEachPodIsAnEndOfItsOwnAndTemplatesStay() {
        ConnectivityMap map = Fixtures.map(SHOP, Grouping.pod);

        assertThat(workloads(map)).containsExactly("db/Pod/db-0", "db/Pod/db-1", "kube-system/Pod/coredns-6f7d8c-m2n4p",
                "legacy/Pod/old", "monitoring/Pod/agent-q8x2m", "monitoring/Pod/agent-z4c7w", "monitoring/Pod/prometheus",
                "shop/Deployment/api", "shop/Pod/report-x7k2p", "shop/Pod/web-5d8f7c9b6-abcde",
                "shop/Pod/web-5d8f7c9b6-fghij");
    }

    @Test
    void addressRangesAreThePiecesTheIpBlocksCutPlusTheRest() {
        ConnectivityMap map = Fixtures.map(SHOP, Grouping.workload);

        assertThat(map.ends().stream().filter(e -> e instanceof AddressRange).map(End::name)).containsExactly(
                "0.0.0.0-9.255.255.255", "10.0.0.0/16", "10.1.0.0/16", "10.2.0.0-10.255.255.255",
                "11.0.0.0-172.17.255.255", "172.18.0.0/16", "172.19.0.0-255.255.255.255");
    }

    @Test
    void aConnectionOfSomePodsOfAWorkloadOnlyIsSaidToBeSo() {
        // db accepts 10.1.0.0/16 on its named port: web's pod 10.1.0.5 gets in, its pod 10.2.0.5 does not
        List<String> lines = Fixtures.lines(Fixtures.map(SHOP, Grouping.workload));

        assertThat(lines).contains("shop/Deployment/web => db/StatefulSet/db : (some pods only: TCP 5432)",
                "shop/Job/report => db/StatefulSet/db : TCP 5432");
        assertThat(Fixtures.lines(Fixtures.map(SHOP, Grouping.pod))).contains(
                "shop/Pod/web-5d8f7c9b6-abcde => db/Pod/db-0 : TCP 5432")
                .noneMatch(l -> l.startsWith("shop/Pod/web-5d8f7c9b6-fghij => db/"));
    }

    @Test
    void podsOfOneWorkloadConnectToEachOtherButAPodAloneHasNoConnectionToItself() {
        List<String> lines = Fixtures.lines(Fixtures.map(SHOP, Grouping.workload));

        assertThat(lines).contains("monitoring/DaemonSet/agent => monitoring/DaemonSet/agent : all ports")
                .noneMatch(l -> l.startsWith("legacy/Pod/old => legacy/Pod/old"))
                .noneMatch(l -> l.startsWith("shop/Job/report => shop/Job/report"));
    }
}
