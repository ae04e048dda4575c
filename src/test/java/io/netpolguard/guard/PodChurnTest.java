package io.netpolguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.PodIndex;
import io.netpolguard.cluster.SnapshotBuilder;
import io.netpolguard.dynatrace.DynatraceSettings;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.HostResolver;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Verdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pod churn as the live source makes it (issue 12 §4): pods added, removed and relabelled in random namespaces, each
 * snapshot made from the one before by replacing the changed namespaces' pods ({@code PodIndex.withNamespaces}), the
 * rest shared but the node addresses, taken again from the host-network pods (as without Node objects). One long-lived guard follows the snapshots, deriving again only what the changed namespaces can change
 * and judging only new connections; its audit ({@link Guard#check}) and its judgement of a policy change in a random
 * namespace must equal those of a fresh guard on the same snapshot: the same flows in the same order, the same
 * statuses, connections and verdict outcomes, the same decision, findings and warnings. The operator's own pods
 * (operator, webhook, ActiveGate, CSI driver in {@code dynatrace}, DNS in {@code kube-system}) churn too: they change
 * the other end of the apps' flows and where the operator runs. Now and then a policy is created between two pod
 * changes: what was judged under other policies must not be reused.
 */
class PodChurnTest {
    private static final int RUNS = 60;
    private static final int STEPS = 12;
    private static final String CLUSTER = """
            apiVersion: v1
            kind: Service
            metadata: {name: kubernetes, namespace: default}
            spec: {clusterIP: 10.96.0.1, ports: [{name: https, port: 443, targetPort: 6443}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}
            addressType: IPv4
            endpoints: [{addresses: [172.18.0.2]}]
            ports: [{name: https, port: 6443, protocol: TCP}]
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {monitor: fullstack}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: search, labels: {monitor: fullstack}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: billing, labels: {monitor: appmon}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: tools}
            ---
            apiVersion: dynatrace.com/v1beta6
            kind: DynaKube
            metadata: {name: fullstack, namespace: dynatrace}
            spec:
              apiUrl: https://abc12345.live.dynatrace.com/api
              oneAgent:
                cloudNativeFullStack: {namespaceSelector: {matchLabels: {monitor: fullstack}}}
              activeGate: {capabilities: [routing, kubernetes-monitoring]}
            ---
            apiVersion: dynatrace.com/v1beta6
            kind: DynaKube
            metadata: {name: appmon, namespace: dynatrace}
            spec:
              apiUrl: https://abc12345.live.dynatrace.com/api
              oneAgent:
                applicationMonitoring: {namespaceSelector: {matchLabels: {monitor: appmon}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-egress, namespace: shop}
            spec: {podSelector: {matchLabels: {tier: db}}, policyTypes: [Egress]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: activegate-from-web, namespace: dynatrace}
            spec:
              podSelector: {matchLabels: {app.kubernetes.io/name: activegate}}
              policyTypes: [Ingress]
              ingress:
              - from: [{namespaceSelector: {matchLabels: {monitor: fullstack}}, podSelector: {matchLabels: {tier: web}}}]
              - from: [{podSelector: {}}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-ipv4-only, namespace: search}
            spec:
              podSelector: {matchLabels: {tier: web}}
              policyTypes: [Egress]
              egress:
              - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: tenant-only, namespace: billing}
            spec:
              podSelector: {matchLabels: {app: a}}
              policyTypes: [Egress]
              egress:
              - to: [{ipBlock: {cidr: 203.0.113.10/32}}]
                ports: [{port: 443}]
            """;
    private static final List<String> NAMESPACES = List.of("shop", "search", "billing", "tools", "fresh", "dynatrace",
            "kube-system");
    private static final List<Map<String, String>> PLATFORM_PODS = List.of(
            Map.of("app.kubernetes.io/name", "dynatrace-operator", "app.kubernetes.io/component", "operator"),
            Map.of("app.kubernetes.io/name", "dynatrace-operator", "app.kubernetes.io/component", "webhook"),
            Map.of("app.kubernetes.io/name", "dynatrace-operator", "app.kubernetes.io/component", "csi-driver"),
            Map.of("app.kubernetes.io/name", "activegate", "app.kubernetes.io/created-by", "fullstack",
                    "app.kubernetes.io/managed-by", "dynatrace-operator"),
            Map.of("k8s-app", "kube-dns"));

    private int reusedResults;
    private int changedResults;
    private int carriedSides;

    @Test
    void aGuardFollowingPodChurnJudgesLikeAFreshGuard() {
        for (int run = 0; run < RUNS; run++) {
            churn(new Random(run), run);
        }
        // the shortcut was taken (results kept from the snapshot before) and the churn changed flows too
        assertThat(reusedResults).isGreaterThan(RUNS * STEPS);
        assertThat(changedResults).isGreaterThan(RUNS);
        assertThat(carriedSides).isGreaterThan(RUNS * STEPS);
    }

    /**
     * What an index of the operator namespace's connections knew of their peers (whether the peer's side lets them
     * through) holds under the policies it was made with only: after shop's web pods may send again, narrowing the
     * ActiveGate's ingress to the fullstack namespaces blocks nothing, as a fresh guard finds.
     */
    @Test
    void anIndexIsNotCarriedOverAPolicyChange() {
        PodEndpoint web = PodEndpoint.pod("shop", "web-0", LabelSet.of(Map.of("app", "a", "tier", "web")),
                List.of(ip("10.244.1.10")), List.of());
        PodEndpoint activeGate = PodEndpoint.pod("dynatrace", "fullstack-activegate-0",
                LabelSet.of(PLATFORM_PODS.get(3)), List.of(ip("10.244.2.10")), List.of());
        PodEndpoint operator = PodEndpoint.pod("dynatrace", "dynatrace-operator-0", LabelSet.of(PLATFORM_PODS.get(0)),
                List.of(ip("10.244.2.11")), List.of());
        ClusterSnapshot open = withPods(empty(), Map.of("shop", List.of(web), "dynatrace", List.of(activeGate, operator)));
        Change.PolicyChange denyWebEgress = denyEgress("shop", "web");
        ClusterSnapshot denied = ChangeProjector.apply(open, denyWebEgress);
        ClusterSnapshot reopened = ChangeProjector.apply(denied, new Change.PolicyChange(Change.Operation.DELETE, "shop",
                "deny-web", null, denyWebEgress.object()));
        Change.PolicyChange narrow = Clusters.policyChange("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: activegate-from-web, namespace: dynatrace}
                spec:
                  podSelector: {matchLabels: {app.kubernetes.io/name: activegate}}
                  policyTypes: [Ingress]
                  ingress:
                  - from: [{namespaceSelector: {matchLabels: {monitor: fullstack}}}]
                """, Change.Operation.UPDATE);
        Guard guard = longLived();

        guard.judge(denied, narrow); // indexes dynatrace's connections while shop's web pods may not send
        Judgement judged = guard.judge(reopened, narrow);

        assertThat(Decided.of(judged)).isEqualTo(Decided.of(guard().judge(reopened, narrow)));
        assertThat(judged.decision()).isNotEqualTo(Decision.DENY);
    }

    /**
     * Under churn the rebuild thread carries over the connection index of a namespace changed in recently (for the next
     * snapshot), so that the next change there does not: the index is made when the snapshot is prepared, and the change
     * is judged as a fresh guard judges it.
     */
    @Test
    void preparingASnapshotCarriesTheIndexOfANamespaceChangedInRecently() {
        Random random = new Random(7);
        Guard guard = longLived();
        ClusterSnapshot snapshot = initial(random);
        Change.PolicyChange change = denyEgress("dynatrace", "web");
        guard.check(snapshot);
        guard.judge(snapshot, change);
        assertThat(guard.connectionIndexReady(snapshot, "dynatrace")).isTrue();

        ClusterSnapshot next = withPodChanges(snapshot, random, 1);
        assertThat(next.policies()).isSameAs(snapshot.policies());
        assertThat(guard.connectionIndexReady(next, "dynatrace")).isFalse();
        guard.prepare(next);

        assertThat(guard.connectionIndexReady(next, "dynatrace")).isTrue();
        assertThat(guard.connectionIndexReady(next, "shop")).as("no change was judged in shop").isFalse();
        assertThat(Decided.of(guard.judge(next, change))).isEqualTo(Decided.of(guard().judge(next, change)));
    }

    private void churn(Random random, int run) {
        Guard guard = longLived();
        ClusterSnapshot snapshot = initial(random);
        List<FlowResult> previous = guard.check(snapshot);
        for (int step = 0; step < STEPS; step++) {
            ClusterSnapshot before = snapshot;
            snapshot = withPodChanges(snapshot, random, run * 1000 + step);
            if (random.nextInt(5) == 0) { // now and then a policy is created between pod changes
                snapshot = ChangeProjector.apply(snapshot, denyEgress(NAMESPACES.get(random.nextInt(NAMESPACES.size())),
                        random));
            }
            if (random.nextInt(3) == 0) { // as the live source's rebuild thread does after most rebuilds
                guard.prepare(snapshot);
            }
            String where = "run " + run + ", step " + step + ", pods " + snapshot.pods().all();
            Change.PolicyChange change = denyEgress(NAMESPACES.get(random.nextInt(NAMESPACES.size())), random);
            if (random.nextBoolean()) { // a decision first, the audit after it: both orders must agree
                assertThat(Decided.of(guard.judge(snapshot, change))).as(where)
                        .isEqualTo(Decided.of(guard().judge(snapshot, change)));
            }
            List<FlowResult> results = guard.check(snapshot);
            assertThat(results).as(where).map(Judged::of).isEqualTo(guard().check(snapshot).stream().map(Judged::of)
                    .toList());
            assertThat(Decided.of(guard.judge(snapshot, change))).as(where)
                    .isEqualTo(Decided.of(guard().judge(snapshot, change)));
            if (before.policies() == snapshot.policies() && before.pods().families().equals(snapshot.pods().families())) {
                carryOverSides(previous, results, where);
            }
            count(previous, results);
            previous = results;
        }
    }

    /**
     * The connection index of each namespace, carried over from the results before the pod changes (judged under the
     * same policies and address families), is the index made afresh: the same connections of each label set, the same
     * peer groups with the same peer outcomes and addresses.
     */
    private void carryOverSides(List<FlowResult> before, List<FlowResult> after, String where) {
        for (String namespace : NAMESPACES) {
            ConnectionSides earlier = ConnectionSides.of(before, namespace, FlowNamespaces::of);
            IndexView fresh = IndexView.of(ConnectionSides.of(after, namespace, FlowNamespaces::of));
            // moves kept by connection index for every flow, by the namespace's connections alone, and as chosen
            for (long denseShare : new long[] {Integer.MAX_VALUE, 0, 8}) {
                ConnectionSides carried = ConnectionSides.carriedOver(earlier, before, FlowNamespaces::of, after,
                        namespace, FlowNamespaces::of, denseShare);
                assertThat(IndexView.of(carried)).as(where + ", " + namespace + ", dense share " + denseShare)
                        .isEqualTo(fresh);
            }
            carriedSides++;
        }
    }

    /** A connection index in an order of its own: positions sorted, groups by key. */
    record IndexView(Map<Direction, Map<LabelSet, SideView>> sides) {
        static IndexView of(ConnectionSides index) {
            Map<Direction, Map<LabelSet, SideView>> sides = new HashMap<>();
            for (Direction direction : Direction.values()) {
                Map<LabelSet, SideView> views = new HashMap<>();
                index.of(direction).forEach((labels, side) -> views.put(labels, SideView.of(side)));
                sides.put(direction, views);
            }
            return new IndexView(sides);
        }
    }

    record SideView(List<Long> all, List<Long> others, Map<ConnectionSides.PeerNamespace, List<String>> groups,
            Map<ConnectionSides.PeerNamespace, List<Integer>> addresses) {
        static SideView of(ConnectionSides.Side side) {
            Map<ConnectionSides.PeerNamespace, List<String>> groups = new HashMap<>();
            Map<ConnectionSides.PeerNamespace, List<Integer>> addresses = new HashMap<>();
            for (ConnectionSides.PeerGroup group : side.byPeerNamespace()) {
                List<String> members = new ArrayList<>();
                for (int g = 0; g < group.size(); g++) {
                    members.add(group.positions()[g] + " " + group.peerSides()[g]);
                }
                members.sort(null);
                groups.put(group.key(), members);
                addresses.put(group.key(), java.util.Arrays.stream(group.addresses()).sorted().boxed().toList());
            }
            return new SideView(sorted(side.all()), sorted(side.others()), groups, addresses);
        }

        private static List<Long> sorted(long[] positions) {
            return java.util.Arrays.stream(positions).sorted().boxed().toList();
        }
    }

    private void count(List<FlowResult> before, List<FlowResult> after) {
        Map<String, FlowResult> byKey = new HashMap<>();
        before.forEach(r -> byKey.put(r.flow().key(), r));
        for (FlowResult result : after) {
            FlowResult was = byKey.get(result.flow().key());
            if (was == result) {
                reusedResults++;
            } else if (was != null) {
                changedResults++;
            }
        }
    }

    /** A flow's result as compared: the flow itself (ends, connections, notes) and every connection's judgement. */
    record Judged(RequiredFlow flow, FlowStatus status, List<ConnectionJudged> connections) {
        static Judged of(FlowResult result) {
            return new Judged(result.flow(), result.status(),
                    result.connections().stream().map(ConnectionJudged::of).toList());
        }
    }

    record ConnectionJudged(FlowConnection connection, FlowStatus status, Outcome outcome, Outcome egress,
            Outcome ingress) {
        static ConnectionJudged of(ConnectionResult result) {
            Verdict verdict = result.verdict();
            return new ConnectionJudged(result.connection(), result.status(), verdict == null ? null : verdict.outcome(),
                    verdict == null ? null : verdict.egress().outcome(), verdict == null ? null : verdict.ingress().outcome());
        }
    }

    record Decided(Decision decision, List<String> findings, List<String> warnings, String denial) {
        static Decided of(Judgement judgement) {
            return new Decided(judgement.decision(), judgement.findings().stream()
                    .map(f -> f.kind() + " " + f.result().flow().key() + " " + f.result().status()).toList(),
                    judgement.warnings(), judgement.denialMessage());
        }
    }

    private static Guard guard() {
        return new Guard(requiredFlows(), GuardSettings.defaults());
    }

    /** The guard that follows the churn: it carries every namespace's connection index over, however small. */
    private static Guard longLived() {
        return new Guard(requiredFlows(), GuardSettings.defaults(), 0);
    }

    private static RequiredFlows requiredFlows() {
        return new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(),
                HostResolver.offline(Map.of("abc12345.live.dynatrace.com", List.of(ip("203.0.113.10")))));
    }

    /** The cluster without pods. */
    private static ClusterSnapshot empty() {
        List<String> skipped = new ArrayList<>();
        SnapshotBuilder builder = new SnapshotBuilder(skipped::add);
        Manifests.parse(CLUSTER, "test").forEach(d -> builder.add(d.node(), d.origin()));
        ClusterSnapshot empty = builder.build();
        assertThat(skipped).isEmpty();
        return empty;
    }

    private static ClusterSnapshot initial(Random random) {
        ClusterSnapshot empty = empty();
        Map<String, List<PodEndpoint>> pods = new LinkedHashMap<>();
        for (String namespace : NAMESPACES) {
            List<PodEndpoint> list = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                list.add(newPod(namespace, random, i));
            }
            pods.put(namespace, list);
        }
        return withPods(empty, pods);
    }

    /** One to three pod changes, each adding, removing or relabelling a pod of a random namespace. */
    private static ClusterSnapshot withPodChanges(ClusterSnapshot snapshot, Random random, int serial) {
        Map<String, List<PodEndpoint>> replaced = new HashMap<>();
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            String namespace = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            List<PodEndpoint> pods = new ArrayList<>(replaced.getOrDefault(namespace, snapshot.pods().in(namespace)));
            int operation = pods.isEmpty() ? 0 : random.nextInt(3);
            int id = serial * 10 + c;
            if (operation == 0) {
                pods.add(random.nextInt(pods.size() + 1), newPod(namespace, random, id));
            } else if (operation == 1) {
                pods.remove(random.nextInt(pods.size()));
            } else {
                int at = random.nextInt(pods.size());
                PodEndpoint old = pods.get(at);
                pods.set(at, new PodEndpoint(old.kind(), namespace, old.name(), labels(namespace, random),
                        old.addresses(), old.hostNetwork(), old.ports()));
            }
            replaced.put(namespace, pods);
        }
        PodIndex pods = snapshot.pods().withNamespaces(replaced);
        return new ClusterSnapshot(snapshot.namespaces(), pods, snapshot.policies(), snapshot.services(),
                snapshot.endpointSlices(), snapshot.endpoints(), snapshot.dynaKubes(), snapshot.edgeConnects(),
                nodeAddresses(pods), snapshot.nodeLabels(), snapshot.clusterPolicies(), snapshot.unevaluatedPolicies(),
                ClusterSnapshot.EngineCell.after(snapshot));
    }

    /** As the live source finds them without Node objects, after every pod change: host-network pods' addresses. */
    private static List<InetAddress> nodeAddresses(PodIndex pods) {
        return pods.all().stream().filter(PodEndpoint::hostNetwork).flatMap(p -> p.addresses().stream()).distinct()
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    }

    private static ClusterSnapshot withPods(ClusterSnapshot snapshot, Map<String, List<PodEndpoint>> replaced) {
        PodIndex pods = snapshot.pods().withNamespaces(replaced);
        return new ClusterSnapshot(snapshot.namespaces(), pods, snapshot.policies(), snapshot.services(),
                snapshot.endpointSlices(), snapshot.endpoints(), snapshot.dynaKubes(), snapshot.edgeConnects(),
                nodeAddresses(pods), snapshot.nodeLabels(), snapshot.clusterPolicies(), snapshot.unevaluatedPolicies());
    }

    private static PodEndpoint newPod(String namespace, Random random, int id) {
        // now and then an IPv6 pod: the cluster becomes dual-stack, and an unknown address may be of either family
        InetAddress address = random.nextInt(10) == 0 ? ip("fd00:10:244::" + Integer.toHexString(id % 0xfff0 + 16))
                : ip("10.244." + (id / 200 % 250) + "." + (id % 200 + 10));
        boolean hostNetwork = random.nextInt(8) == 0;
        return new PodEndpoint("Pod", namespace, "pod-" + id, labels(namespace, random), List.of(address), hostNetwork,
                List.of());
    }

    /**
     * In the platform namespaces mostly the operator's and DNS labels, elsewhere an app's, now and then the operator's
     * (it moves, or runs in two namespaces).
     */
    private static LabelSet labels(String namespace, Random random) {
        boolean platform = namespace.equals("dynatrace") || namespace.equals("kube-system");
        if (platform ? random.nextInt(4) != 0 : random.nextInt(12) == 0) {
            return LabelSet.of(PLATFORM_PODS.get(random.nextInt(PLATFORM_PODS.size())));
        }
        return LabelSet.of(Map.of("app", List.of("a", "b", "c").get(random.nextInt(3)),
                "tier", random.nextBoolean() ? "web" : "db"));
    }

    /** A policy change the guard judges against the snapshot: a default-deny-egress for some pods of a namespace. */
    private static Change.PolicyChange denyEgress(String namespace, Random random) {
        return denyEgress(namespace, random.nextBoolean() ? "web" : "db");
    }

    private static Change.PolicyChange denyEgress(String namespace, String tier) {
        return Clusters.policyChange("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-%s, namespace: %s}
                spec: {podSelector: {matchLabels: {tier: %s}}, policyTypes: [Egress]}
                """.formatted(tier, namespace, tier), Change.Operation.CREATE);
    }

    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow();
    }
}
