package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.Manifests;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 §5: the inputs that broke the NetworkPolicy and cluster-wide policy compilers (found by the fuzzers of
 * {@link PolicyCompilerFuzzTest} and the AdmissionReview fuzzer, or while checking the patterns they reach), each
 * now read or refused with a message that names the field.
 */
class HostilePolicyTest {

    private static JsonNode tree(String yaml) {
        return Manifests.parse(yaml, "test").get(0).node();
    }

    private static NetworkPolicy policy(String spec) {
        try {
            return Manifests.JSON.treeToValue(tree("""
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: p, namespace: x}
                    spec:
                    %s""".formatted(spec.indent(2))), NetworkPolicy.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A null in a list is what the API server decodes as an empty entry: an empty rule, peer or port. */
    @Test
    void nullsInTheListsOfANetworkPolicyAreEmptyEntries() {
        CompiledPolicy ports = PolicyCompiler.compile(policy("""
                podSelector: {}
                policyTypes: [Egress]
                egress: [{ports: [null]}]
                """));
        assertThat(ports.egress()).singleElement().satisfies(rule -> assertThat(rule.ports())
                .containsExactly(PortMatch.allPorts(Protocol.TCP)));

        CompiledPolicy rules = PolicyCompiler.compile(policy("""
                podSelector: {}
                ingress: [null]
                """));
        assertThat(rules.ingress()).singleElement().satisfies(rule -> {
            assertThat(rule.peers()).isEmpty();
            assertThat(rule.unreadable()).isNull();
        });

        assertThatThrownBy(() -> PolicyCompiler.compile(policy("""
                podSelector: {}
                ingress: [{from: [null]}]
                """))).isInstanceOf(InvalidPolicyException.class)
                .hasMessage("NetworkPolicy x/p: spec.ingress[0].from[0]: is empty (it needs podSelector, namespaceSelector or ipBlock)");

        assertThatThrownBy(() -> PolicyCompiler.compile(policy("""
                podSelector: {matchExpressions: [null]}
                """))).isInstanceOf(InvalidPolicyException.class).hasMessageContaining("spec.podSelector: a matchExpressions entry has no key");

        CompiledPolicy values = PolicyCompiler.compile(policy("""
                podSelector: {matchExpressions: [{key: app, operator: In, values: [null, web]}]}
                """));
        assertThat(values.podSelector().matches(LabelSet.of(java.util.Map.of("app", "")))).isTrue();
    }

    /**
     * An ipBlock.cidr of 200,000 colons and a '%': the IPv6 pattern it was checked against backtracked quadratically
     * (13 s for 40,000 colons); refused at once now.
     */
    @Test
    void aHugeIpv6LookingCidrIsRefusedQuickly() {
        String cidr = ":".repeat(200_000) + "%/8";
        NetworkPolicy policy = policy("""
                podSelector: {}
                egress: [{to: [{ipBlock: {cidr: "%s"}}]}]
                """.formatted(cidr));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> PolicyCompiler.compile(policy))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("spec.egress[0].to[0].ipBlock.cidr")
                .hasMessageContaining("does not start with an IP address"));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(IpAddresses.parse(":".repeat(200_000) + "g")).isEmpty());
        assertThat(IpAddresses.parse("::ffff:10.0.0.1")).isPresent();
        assertThat(IpAddresses.parse("[fe80::1]")).isPresent();
        assertThat(IpAddresses.parse("fe80::1%eth0")).isEmpty();
    }

    /** Rules that are an object instead of a list threw NullPointerException; each is now one unreadable rule. */
    @Test
    void clusterPolicyListsThatAreNotListsAreProblems() {
        ClusterPolicy policy = ClusterPolicyCompiler.compile(ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY, tree("""
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: BaselineAdminNetworkPolicy
                metadata: {name: default}
                spec:
                  subject: {namespaces: {}}
                  egress: {dns: [{name: dns, action: Deny, to: [{namespaces: {}}]}]}
                  ingress:
                    - {name: web, action: Allow, from: [{namespaces: {}}], ports: {portNumber: {port: 80}}}
                """));
        assertThat(policy.egress()).singleElement().satisfies(rule -> {
            assertThat(rule.unreadable()).isEqualTo("spec.egress: is not a list");
            assertThat(rule.action()).isNull();
        });
        assertThat(policy.ingress()).singleElement().satisfies(rule ->
                assertThat(rule.unreadable()).isEqualTo("spec.ingress[0].ports: is not a list"));
        assertThat(policy.problems()).containsExactly("spec.ingress[0].ports: is not a list", "spec.egress: is not a list");
    }

    /** A rule whose action cannot be read has no word for it; describing it threw NullPointerException. */
    @Test
    void aRuleWithoutAnActionCanBeDescribed() {
        ClusterPolicy policy = ClusterPolicyCompiler.compile(ClusterPolicyKind.CLUSTER_NETWORK_POLICY, tree("""
                apiVersion: policy.networking.k8s.io/v1alpha2
                kind: ClusterNetworkPolicy
                metadata: {name: deny-dns}
                spec:
                  tier: Admin
                  priority: 10
                  subject: {namespaces: {}}
                  egress: ["not a rule"]
                """));
        ClusterRule rule = policy.egress().get(0);
        assertThat(rule.action()).isNull();
        assertThat(policy.describe(rule)).isEqualTo("[CNP deny-dns, tier Admin, priority 10, egress[0]] (action not known)");
        assertThat(List.copyOf(policy.problems())).containsExactly("spec.egress[0].action: '' is not one of Accept, Deny, Pass");
    }
}
