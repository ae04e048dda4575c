package io.netpolguard.server;

import static io.netpolguard.server.HealthAndMetricsTest.metrics;
import static io.netpolguard.server.HealthAndMetricsTest.value;
import static io.netpolguard.server.WebhookRequests.review;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.UnevaluatedKinds;
import io.netpolguard.live.ManifestSource;
import io.netpolguard.live.SnapshotSource;
import io.netpolguard.netpol.PolicyCompiler;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook with other snapshot sources installed through {@link GuardServer#useSource}: one still
 * syncing, one where a flow is blocked, one that fails. The example cluster is restored after each.
 */
@QuarkusTest
class GuardServerSourceTest {
    @Inject
    GuardServer server;
    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;
    @TestHTTPResource(value = "health/live", management = true)
    URL live;
    @TestHTTPResource(value = "metrics", management = true)
    URL metricsEndpoint;

    private SnapshotSource original;

    @BeforeEach
    void remember() {
        original = server.source();
    }

    @AfterEach
    void restore() {
        server.useSource(original);
        given().when().get("/flows").then().statusCode(200);
    }

    @Test
    void whileSyncingChangesAreAllowedWithAWarningAndTheGuardIsNotReady() {
        server.useSource(new Syncing());

        review("delete-allow-dns.json")
                .body("response.uid", equalTo("0df28fbd-5f5f-11e8-bc74-36e6bb280816"))
                .body("response.allowed", equalTo(true))
                .body("response.status", nullValue())
                .body("response.warnings", contains(WebhookRequests.SYNCING_WARNING))
                .body("response.auditAnnotations", equalTo(Map.of("decision", "warn")));
        // what is never checked does not get the warning either
        review("create-configmap.json")
                .body("response.allowed", equalTo(true))
                .body("response.warnings", nullValue())
                .body("response.auditAnnotations", equalTo(Map.of("decision", "allow")));

        given().when().get(ready).then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'cluster-snapshot' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'cluster-snapshot' }.data.source", equalTo(Syncing.DESCRIPTION))
                .body("checks.find { it.name == 'cluster-snapshot' }.data.namespaces", equalTo(true))
                .body("checks.find { it.name == 'cluster-snapshot' }.data.pods", equalTo(false));
        given().when().get(live).then()
                .statusCode(200)
                .body("status", equalTo("UP"));
        given().when().get("/flows").then()
                .statusCode(200)
                .body("synced", equalTo(false))
                .body("source", equalTo(Syncing.DESCRIPTION));

        String metrics = metrics(metricsEndpoint);
        assertThat(value(metrics, "netpol_guard_informer_synced{resource=\"pods\"}")).hasValue(0.0);
        assertThat(value(metrics, "netpol_guard_informer_synced{resource=\"namespaces\"}")).hasValue(1.0);

        server.useSource(original);
        given().when().get(ready).then().statusCode(200).body("status", equalTo("UP"));
        review("delete-allow-dns.json").body("response.allowed", equalTo(false));
    }

    @Test
    void aWatchLostForLongerThanTheGraceMakesTheGuardUnreadyAndAllowWithAWarningUntilItIsBack() {
        Instant lost = Instant.now().minusSeconds(120);
        LostWatch source = new LostWatch(original, Map.of("pods", lost));
        server.useSource(source);

        review("delete-allow-dns.json")
                .body("response.allowed", equalTo(true))
                .body("response.warnings", contains(startsWith("netpol-guard lost its watch of pods (since " + lost)))
                .body("response.auditAnnotations", equalTo(Map.of("decision", "warn")));
        given().when().get(ready).then()
                .statusCode(503)
                .body("checks.find { it.name == 'cluster-snapshot' }.data.'not watching'", startsWith("pods (since "));
        server.audit();
        assertThat(value(metrics(metricsEndpoint), "netpol_guard_informer_not_watching_seconds{resource=\"pods\"}").orElseThrow())
                .isGreaterThanOrEqualTo(120.0);

        // within the grace period (30 s by default) a reconnecting watch changes nothing
        server.useSource(new LostWatch(original, Map.of("pods", Instant.now())));
        review("delete-allow-dns.json").body("response.allowed", equalTo(false));
        given().when().get(ready).then().statusCode(200);

        // the watch is back: judged again
        server.useSource(new LostWatch(original, Map.of()));
        review("delete-allow-dns.json").body("response.allowed", equalTo(false));
        assertThat(value(metrics(metricsEndpoint), "netpol_guard_informer_not_watching_seconds{resource=\"pods\"}")).hasValue(0.0);
    }

    /** Another source's state, with some informers reported as having lost their watch. */
    record LostWatch(SnapshotSource delegate, Map<String, Instant> lost) implements SnapshotSource {
        @Override
        public ClusterSnapshot snapshot() {
            return delegate.snapshot();
        }

        @Override
        public boolean synced() {
            return delegate.synced();
        }

        @Override
        public Map<String, Boolean> syncState() {
            Map<String, Boolean> state = new LinkedHashMap<>(delegate.syncState());
            lost.keySet().forEach(name -> state.put(name, true));
            return state;
        }

        @Override
        public Instant builtAt() {
            return delegate.builtAt();
        }

        @Override
        public String description() {
            return delegate.description();
        }

        @Override
        public Map<String, Instant> notWatchingSince() {
            return lost;
        }
    }

    @Test
    void aPolicyKindTheGuardMayNotListLeavesItReadyMakesFlowsUnverifiableAndIsNoReasonToDeny() {
        String anp = "adminnetworkpolicies.policy.networking.k8s.io";
        String cilium = "ciliumnetworkpolicies.cilium.io";
        String anpRefusal = "adminnetworkpolicies.policy.networking.k8s.io is forbidden: User \"system:serviceaccount:"
                + "netpol-guard:netpol-guard\" cannot list resource \"adminnetworkpolicies\" in API group "
                + "\"policy.networking.k8s.io\" at the cluster scope";
        String ciliumRefusal = "ciliumnetworkpolicies.cilium.io is forbidden: User \"system:serviceaccount:netpol-guard:"
                + "netpol-guard\" cannot list resource \"ciliumnetworkpolicies\" in API group \"cilium.io\" at the cluster scope";
        ClusterSnapshot s = original.snapshot();
        ClusterSnapshot unknown = new ClusterSnapshot(s.namespaces(), s.pods(), s.policies(), s.services(),
                s.endpointSlices(), s.endpoints(), s.dynaKubes(), s.edgeConnects(), s.nodeAddresses(), s.nodeLabels(),
                s.clusterPolicies(), List.of(UnevaluatedKinds.unlisted("AdminNetworkPolicy", anp),
                        UnevaluatedKinds.unlisted("CiliumNetworkPolicy", cilium)));
        server.useSource(new Forbidden(original, unknown, new java.util.TreeMap<>(Map.of(anp, anpRefusal, cilium,
                ciliumRefusal))));

        given().when().get(ready).then()
                .statusCode(200)
                .body("checks.find { it.name == 'cluster-snapshot' }.data.'forbidden to list'", equalTo(anp + ", " + cilium));
        assertThat(value(metrics(metricsEndpoint), "netpol_guard_informer_forbidden{resource=\"" + anp + "\"}"))
                .hasValue(1.0);
        assertThat(value(metrics(metricsEndpoint), "netpol_guard_informer_forbidden{resource=\"pods\"}")).hasValue(0.0);
        given().when().get("/flows").then()
                .statusCode(200)
                .body("problems", org.hamcrest.Matchers.hasItems("cannot list " + anp + ": " + anpRefusal,
                        "cannot list " + cilium + ": " + ciliumRefusal))
                // what it means and what to grant: the guard evaluates the network-policy-api kinds, it may not read them
                .body("problems", org.hamcrest.Matchers.hasItems("AdminNetworkPolicy: the guard evaluates this kind but "
                        + "may not list it (RBAC forbids listing " + anp + "), so every flow that AdminNetworkPolicy objects "
                        + "could decide is unverifiable, never allowed and never a reason to deny; grant list and watch on "
                        + anp + " to the guard's ServiceAccount (the ClusterRole netpol-guard of k8s/base/clusterrole.yaml "
                        + "and of the Helm chart charts/netpol-guard has them) or, for a command with --live, to its user",
                        "CiliumNetworkPolicy: the guard may not list this kind (RBAC forbids listing " + cilium + "), so "
                        + "every flow that CiliumNetworkPolicy objects could decide is unverifiable, never allowed and never "
                        + "a reason to deny; grant list and watch on " + cilium + " to the guard's ServiceAccount (the "
                        + "ClusterRole netpol-guard of k8s/base/clusterrole.yaml and of the Helm chart charts/netpol-guard "
                        + "has them) or, for a command with --live, to its user"))
                .body("problems", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(
                        org.hamcrest.Matchers.containsString("does not evaluate"))))
                .body("flows.find { it.id == 'operator->kube-dns' }.status", equalTo("unverifiable"))
                .body("flows.find { it.id == 'operator->kube-dns' }.reason",
                        org.hamcrest.Matchers.containsString("AdminNetworkPolicy (any: the guard may not list this kind)"))
                .body("flows.status", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("allowed")));
        // deleting allow-dns blocks DNS as far as the guard can read, but a kind it may not list could allow it: a
        // warning that says so, never a denial
        review("delete-allow-dns.json")
                .body("response.allowed", equalTo(true))
                .body("response.auditAnnotations.decision", equalTo("warn"))
                .body("response.warnings", org.hamcrest.Matchers.hasItem(startsWith("operator->kube-dns: cannot be "
                        + "verified after this change, which blocks it unless a policy the guard cannot read allows it (")))
                .body("response.warnings", org.hamcrest.Matchers.hasItem(org.hamcrest.Matchers.containsString(
                        "AdminNetworkPolicy (any: the guard may not list this kind)")));
    }

    /** Another source's state, with one more snapshot and some informers forbidden to list their kind. */
    record Forbidden(SnapshotSource delegate, ClusterSnapshot snapshot, Map<String, String> forbidden)
            implements SnapshotSource {
        @Override
        public boolean synced() {
            return delegate.synced();
        }

        @Override
        public Map<String, Boolean> syncState() {
            Map<String, Boolean> state = new LinkedHashMap<>(delegate.syncState());
            forbidden.keySet().forEach(name -> state.put(name, false));
            return state;
        }

        @Override
        public Instant builtAt() {
            return delegate.builtAt();
        }

        @Override
        public String description() {
            return delegate.description();
        }

        @Override
        public List<String> problems() {
            return forbidden.entrySet().stream().map(e -> "cannot list " + e.getKey() + ": " + e.getValue()).toList();
        }
    }

    @Test
    void aFlowBlockedInTheClusterShowsInFlowsAndMetricsAndIsNoReasonToDeny(@TempDir Path dir) throws IOException {
        server.useSource(new ManifestSource(List.of(exampleWithoutAllowDns(dir))));

        given().when().get("/flows").then()
                .statusCode(200)
                .body("synced", equalTo(true))
                .body("source", startsWith("manifests in ["))
                .body("flows.find { it.id == 'operator->kube-dns' }.status", equalTo("blocked"))
                .body("flows.find { it.id == 'operator->kube-dns' }.summary",
                        startsWith("operator->kube-dns: blocked, dynatrace/Deployment/dynatrace-operator -> "
                                + "kube-system/coredns-7db6d8ff4d-x2v9q on UDP/53 (isolated by dynatrace/default-deny"))
                .body("flows.find { it.id == 'operator->kube-apiserver' }.status", equalTo("allowed"));
        String metrics = metrics(metricsEndpoint);
        for (String flow : List.of("operator->kube-dns", "webhook->kube-dns", "csi-driver->kube-dns", "activegate->kube-dns")) {
            assertThat(value(metrics, "netpol_guard_blocked_flows{flow=\"" + flow + "\"}")).as(flow).hasValue(1.0);
        }
        assertThat(value(metrics, "netpol_guard_blocked_flows{flow=\"operator->kube-apiserver\"}")).hasValue(0.0);

        // a harmless change in a cluster where DNS is already blocked: allowed, with one summary warning
        review("create-allow-checkout-ingress.json")
                .body("response.allowed", equalTo(true))
                .body("response.auditAnnotations.blocked-flows", nullValue());
        // deleting the egress policy for the API server still denies, for the API server flows only
        review("update-allow-apiserver-to-service-ip.json")
                .body("response.allowed", equalTo(false))
                .body("response.auditAnnotations.blocked-flows", equalTo(
                        "activegate->kube-apiserver,csi-driver->kube-apiserver,operator->kube-apiserver,webhook->kube-apiserver"))
                .body("response.warnings", contains(startsWith("already blocked before this change (not caused by it, "
                        + "not a reason to deny): activegate->kube-dns, csi-driver->kube-dns, operator->kube-dns, "
                        + "webhook->kube-dns")));

        server.useSource(original);
        given().when().get("/flows").then().statusCode(200)
                .body("flows.find { it.id == 'operator->kube-dns' }.status", equalTo("allowed"));
        assertThat(value(metrics(metricsEndpoint), "netpol_guard_blocked_flows{flow=\"operator->kube-dns\"}")).hasValue(0.0);
    }

    @Test
    void aFailureWhileCheckingAllowsTheChangeWithAWarningInsteadOfA500() {
        server.useSource(new Failing());
        review("delete-allow-dns.json")
                .body("response.uid", equalTo("0df28fbd-5f5f-11e8-bc74-36e6bb280816"))
                .body("response.allowed", equalTo(true))
                .body("response.auditAnnotations", equalTo(Map.of("decision", "warn")))
                .body("response.warnings", contains("netpol-guard failed to check this NetworkPolicy and allowed it: "
                        + "java.lang.IllegalStateException: snapshot unavailable"));
    }

    @Test
    void aClusterWithoutTheOperatorSaysSoInFlowsAndMetrics(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("cluster.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop, labels: {app: web}}
                spec: {containers: [{name: web}]}
                """);
        server.useSource(new ManifestSource(List.of(dir)));

        given().when().get("/flows").then()
                .statusCode(200)
                .body("operator.found", equalTo(false))
                .body("problems", contains(startsWith("no Dynatrace Operator found")))
                .body("flows.id", contains("control-plane->netpol-guard"));
        assertThat(value(metrics(metricsEndpoint), "netpol_guard_operator_found")).hasValue(0.0);

        server.useSource(original);
        given().when().get("/flows").then().statusCode(200)
                .body("operator.found", equalTo(true))
                .body("operator.namespace", equalTo("dynatrace"));
        assertThat(value(metrics(metricsEndpoint), "netpol_guard_operator_found")).hasValue(1.0);
    }

    /**
     * Issue 14 §1: a policy the live cluster holds but of which a rule cannot be read still isolates its pods; the flows
     * only that rule could allow are unverifiable, and the policy is counted and named in GET /flows and the metrics.
     */
    @Test
    void anUnreadablePolicyIsAProblemInFlowsAndMetricsAndMakesWhatItCouldAllowUnverifiable() throws IOException {
        server.useSource(new Stored(new ManifestSource(List.of(Path.of("k8s/examples/cluster"))), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-dns, namespace: dynatrace}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                  - to: [{ipBlock: {cidr: 10.96.0.10/33}}]
                    ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
                """));

        given().when().get("/flows").then()
                .statusCode(200)
                .body("problems", contains(startsWith("NetworkPolicy dynatrace/allow-dns: spec.egress[0].to[0].ipBlock.cidr")))
                .body("problems[0]", org.hamcrest.Matchers.endsWith(
                        "(the rule is taken as unknown: flows it could allow are unverifiable)"))
                .body("flows.find { it.id == 'operator->kube-dns' }.status", equalTo("unverifiable"))
                .body("flows.find { it.id == 'operator->kube-dns' }.reason", org.hamcrest.Matchers.containsString(
                        "dynatrace/allow-dns egress[0] cannot be read"))
                .body("flows.find { it.id == 'operator->kube-apiserver' }.status", equalTo("allowed"));
        String metrics = metrics(metricsEndpoint);
        assertThat(value(metrics, "netpol_guard_unreadable_policies")).hasValue(1.0);
        assertThat(value(metrics, "netpol_guard_unverifiable_flows{flow=\"operator->kube-dns\"}")).hasValue(1.0);
        assertThat(value(metrics, "netpol_guard_blocked_flows{flow=\"operator->kube-dns\"}")).hasValue(0.0);

        server.useSource(original);
        given().when().get("/flows").then().statusCode(200).body("problems", org.hamcrest.Matchers.empty());
        assertThat(value(metrics(metricsEndpoint), "netpol_guard_unreadable_policies")).hasValue(0.0);
    }

    /** Another source's state with one NetworkPolicy as the live cluster reads what the API server stores. */
    record Stored(SnapshotSource delegate, String policyYaml) implements SnapshotSource {
        @Override
        public ClusterSnapshot snapshot() {
            ClusterSnapshot snapshot = delegate.snapshot();
            try {
                NetworkPolicy policy = new YAMLMapper().readValue(policyYaml, NetworkPolicy.class);
                return snapshot.withPolicies(snapshot.policies().withPolicy(PolicyCompiler.compileAsStored(policy)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean synced() {
            return true;
        }

        @Override
        public Map<String, Boolean> syncState() {
            return delegate.syncState();
        }

        @Override
        public Instant builtAt() {
            return delegate.builtAt();
        }

        @Override
        public String description() {
            return "the live cluster (stored objects)";
        }
    }

    /** The example cluster with the allow-dns policy removed. */
    static Path exampleWithoutAllowDns(Path dir) throws IOException {
        Path example = Path.of("k8s/examples/cluster");
        try (Stream<Path> files = Files.list(example)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                if (file.getFileName().toString().equals("40-network-policies.yaml")) {
                    String without = Arrays.stream(text.split("\n---\n"))
                            .filter(doc -> !doc.contains("name: allow-dns,")).collect(Collectors.joining("\n---\n"));
                    assertThat(without).isNotEqualTo(text);
                    text = without;
                }
                Files.writeString(dir.resolve(file.getFileName()), text);
            }
        }
        return dir;
    }

    /** Informers that have not all listed yet. */
    static final class Syncing implements SnapshotSource {
        static final String DESCRIPTION = "the live cluster at https://10.96.0.1/ (still syncing)";

        @Override
        public ClusterSnapshot snapshot() {
            return ClusterSnapshot.EMPTY;
        }

        @Override
        public boolean synced() {
            return false;
        }

        @Override
        public Map<String, Boolean> syncState() {
            Map<String, Boolean> state = new LinkedHashMap<>();
            state.put("namespaces", true);
            state.put("pods", false);
            return state;
        }

        @Override
        public Instant builtAt() {
            return null;
        }

        @Override
        public String description() {
            return DESCRIPTION;
        }
    }

    /** A source whose snapshot cannot be had: stands for any bug on the decision path. */
    static final class Failing implements SnapshotSource {
        @Override
        public ClusterSnapshot snapshot() {
            throw new IllegalStateException("snapshot unavailable");
        }

        @Override
        public boolean synced() {
            return true;
        }

        @Override
        public Map<String, Boolean> syncState() {
            return Map.of("failing", true);
        }

        @Override
        public Instant builtAt() {
            return Instant.now();
        }

        @Override
        public String description() {
            return "a failing source";
        }
    }
}
