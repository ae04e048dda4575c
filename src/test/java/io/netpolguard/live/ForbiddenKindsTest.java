package io.netpolguard.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.Verdict;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A policy kind RBAC forbids the guard to list is unknown, not a reason to stay unready forever: the guard becomes
 * ready, says which kind it cannot read, and calls every flow such a kind could decide unverifiable, never allowed.
 * A core kind it may not list still keeps it unready.
 */
@EnableKubernetesMockClient(crud = true)
class ForbiddenKindsTest {
    private static final long TIMEOUT_MILLIS = 30_000;
    private static final String CILIUM = "ciliumnetworkpolicies.cilium.io";
    private static final String ANP = "adminnetworkpolicies.policy.networking.k8s.io";
    private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

    KubernetesMockServer server;
    KubernetesClient client;
    private LiveCluster live;

    @BeforeEach
    void seed() {
        for (String name : List.of("dynatrace", "kube-system", "shop")) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(name)
                    .addToLabels("kubernetes.io/metadata.name", name).endMetadata().build()).create();
        }
        client.resource(LiveClusterTest.pod("kube-system", "coredns-7db6d8ff4d-x2v9q", Map.of("k8s-app", "kube-dns"), false,
                List.of("10.244.0.10"), new ContainerPortBuilder().withName("dns").withContainerPort(53)
                        .withProtocol("UDP").build())).create();
        client.resource(LiveClusterTest.pod("dynatrace", "dynatrace-operator-5d9f8b7c6-abcde",
                Map.of("app.kubernetes.io/name", "dynatrace-operator"), false, List.of("10.244.1.5"))).create();
        client.resource(LiveClusterTest.pod("shop", "checkout-6c9d5-k2x8p", Map.of("app", "checkout"), false,
                List.of("10.244.2.7"))).create();
        // shop is locked down by a NetworkPolicy: checkout cannot reach CoreDNS
        client.resource(new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop").withName("default-deny")
                .endMetadata().withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Egress").endSpec()
                .build()).create();
        client.apiextensions().v1().customResourceDefinitions().resource(crd("cilium.io", "CiliumNetworkPolicy",
                "ciliumnetworkpolicies", "Namespaced", "v2")).create();
        client.apiextensions().v1().customResourceDefinitions().resource(crd("policy.networking.k8s.io",
                "AdminNetworkPolicy", "adminnetworkpolicies", "Cluster", "v1alpha1")).create();
    }

    @AfterEach
    void stop() {
        if (live != null) {
            live.stop();
        }
    }

    @Test
    void aForbiddenPolicyKindMakesEveryFlowItCouldDecideUnverifiableAndTheGuardReady() {
        forbid("/apis/cilium.io/v2/ciliumnetworkpolicies?resourceVersion=0", -1);
        forbid("/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies?resourceVersion=0", -1);
        start();

        awaitTrue("ready with both kinds forbidden", () -> live.synced()
                && live.forbidden().keySet().equals(java.util.Set.of(CILIUM, ANP))
                && live.snapshot().unevaluatedPolicies().size() == 2);
        assertThat(live.forbidden().get(CILIUM)).contains("cannot list resource \"ciliumnetworkpolicies\"");
        assertThat(live.problems()).containsExactly("cannot list " + ANP + ": " + live.forbidden().get(ANP),
                "cannot list " + CILIUM + ": " + live.forbidden().get(CILIUM));
        assertThat(live.snapshot().unevaluatedPolicies()).as("each kind stands for its objects, naming what RBAC forbids")
                .extracting(p -> p.kind() + " " + p.unlistedResource())
                .containsExactly("AdminNetworkPolicy " + ANP, "CiliumNetworkPolicy " + CILIUM);
        awaitTrue("every other informer watching", live::watching);
        assertThat(live.notWatchingSince()).as("a forbidden kind is unknown, not stale").doesNotContainKeys(CILIUM, ANP);

        Verdict operatorDns = dns(live.snapshot(), "dynatrace", "dynatrace-operator-5d9f8b7c6-abcde");
        assertThat(operatorDns.outcome()).as("no policy blocks it, but one the guard cannot read could")
                .isEqualTo(Outcome.UNDETERMINED);
        assertThat(operatorDns.reason()).contains("CiliumNetworkPolicy (any: the guard may not list this kind)")
                .contains("AdminNetworkPolicy (any: the guard may not list this kind)");
        assertThat(dns(live.snapshot(), "shop", "checkout-6c9d5-k2x8p").outcome())
                .as("blocked by a NetworkPolicy, but a kind that can allow may allow it").isEqualTo(Outcome.UNDETERMINED);
    }

    @Test
    void onceTheKindMayBeListedItsObjectsAreReadAndTheFlowsJudgedAgain() {
        forbid("/apis/cilium.io/v2/ciliumnetworkpolicies?resourceVersion=0", 2);
        start();
        awaitTrue("Cilium forbidden", () -> live.forbidden().containsKey(CILIUM));

        client.genericKubernetesResources("cilium.io/v2", "CiliumNetworkPolicy").inNamespace("shop")
                .resource(new GenericKubernetesResourceBuilder().withApiVersion("cilium.io/v2")
                        .withKind("CiliumNetworkPolicy").withNewMetadata().withName("l7").withNamespace("shop")
                        .endMetadata().build()).create();
        awaitTrue("Cilium listed after the refusals", () -> live.forbidden().isEmpty() && live.synced()
                && live.snapshot().unevaluatedPolicies().stream().map(p -> p.describe()).toList()
                        .equals(List.of("CiliumNetworkPolicy shop/l7")));
        assertThat(live.problems()).isEmpty();
        assertThat(dns(live.snapshot(), "dynatrace", "dynatrace-operator-5d9f8b7c6-abcde").allowed()).isTrue();
        assertThat(dns(live.snapshot(), "shop", "checkout-6c9d5-k2x8p").outcome()).isEqualTo(Outcome.UNDETERMINED);
    }

    @Test
    void aForbiddenCoreKindKeepsTheGuardUnready() throws Exception {
        forbid("/api/v1/nodes?limit=500", -1);
        live = new LiveCluster(client, 10, message -> { });
        live.start();
        awaitTrue("every other informer synced", () -> live.syncState().entrySet().stream()
                .filter(e -> !e.getKey().equals("nodes")).allMatch(Map.Entry::getValue) && live.syncState().size() > 6);
        Thread.sleep(500);
        assertThat(live.synced()).isFalse();
        assertThat(live.forbidden()).as("nodes are required, never optional").isEmpty();
    }

    private void forbid(String path, int times) {
        var status = new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
                .withMessage(path.replaceAll(".*/([a-z]+)(\\?.*)?$", "$1") + " is forbidden: User \"system:serviceaccount:"
                        + "netpol-guard:netpol-guard\" cannot list resource \"" + path.replaceAll(".*/([a-z]+)(\\?.*)?$", "$1")
                        + "\" at the cluster scope").build();
        var expectation = server.expect().get().withPath(path).andReturn(403, status);
        if (times < 0) {
            expectation.always();
        } else {
            expectation.times(times);
        }
    }

    private void start() {
        live = new LiveCluster(client, 10, message -> { });
        live.start();
    }

    private static Verdict dns(ClusterSnapshot snapshot, String namespace, String pod) {
        PodEndpoint source = snapshot.pod(namespace, pod).orElseThrow();
        PodEndpoint coredns = snapshot.pod("kube-system", "coredns-7db6d8ff4d-x2v9q").orElseThrow();
        return snapshot.engine().evaluate(new Connection(source, coredns, 53, Protocol.UDP));
    }

    private static CustomResourceDefinition crd(String group, String kind, String plural, String scope, String version) {
        return new CustomResourceDefinitionBuilder().withNewMetadata().withName(plural + "." + group).endMetadata()
                .withNewSpec().withGroup(group).withScope(scope)
                .withNewNames().withKind(kind).withListKind(kind + "List").withPlural(plural)
                .withSingular(kind.toLowerCase(java.util.Locale.ROOT)).endNames()
                .addNewVersion().withName(version).withServed(true).withStorage(true).endVersion().endSpec().build();
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out after " + TIMEOUT_MILLIS + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    private static java.util.logging.Logger quiet(String category) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(category);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }
}
