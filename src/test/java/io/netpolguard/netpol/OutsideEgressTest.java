package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Namespaces whose pods are isolated alike for egress share one outcome toward an address outside the cluster when
 * their rules have the same shape for it (ports, ipBlocks, unreadable rules; pod peers never match it), whatever
 * their policies are named or which pods their other rules name; a different ipBlock, port or rule gives its own.
 */
class OutsideEgressTest {
    private static String egress(String namespace, String name, String rules) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: %s, namespace: %s}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress: %s
                """.formatted(name, namespace, rules);
    }

    private static final String TENANT = "[{to: [{ipBlock: {cidr: 192.0.2.0/24}}], ports: [{port: 443}]}]";

    @Test
    void namespacesWithRulesOfOneShapeShareAnOutcomeAndOthersGetTheirOwn() {
        XyzCluster cluster = XyzCluster.with(
                egress("x", "allow-tenant", TENANT),
                egress("x", "allow-dns", "[{to: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: c}}}], ports: [{port: 53, protocol: UDP}]}]"),
                egress("y", "tenant-egress", TENANT),
                egress("y", "dns", "[{to: [{podSelector: {matchLabels: {pod: b}}}], ports: [{port: 53, protocol: UDP}]}]"),
                egress("z", "allow-tenant", "[{to: [{ipBlock: {cidr: 192.0.2.0/24, except: [192.0.2.10/32]}}], ports: [{port: 443}]}]"));
        Endpoint tenant = cluster.endpoint(XyzCluster.EXTERNAL_V4); // one object for every connection, as a flow has
        PolicyEngine engine = cluster.engine();

        List<String> outcomes = List.of("x/a", "y/b", "z/c", "x/b").stream()
                .flatMap(pod -> List.of(443, 80).stream().map(port -> pod + ":" + port + " "
                        + engine.outcome(new Connection(cluster.endpoint(pod), tenant, port, Protocol.TCP))))
                .toList();

        assertThat(outcomes).containsExactly("x/a:443 ALLOWED", "x/a:80 BLOCKED", "y/b:443 ALLOWED", "y/b:80 BLOCKED",
                "z/c:443 BLOCKED", "z/c:80 BLOCKED", "x/b:443 ALLOWED", "x/b:80 BLOCKED");
        for (String pod : List.of("x/a", "y/b", "z/c")) { // as the full evaluation, which shares nothing, has it
            for (int port : List.of(443, 80)) {
                Connection connection = new Connection(cluster.endpoint(pod), tenant, port, Protocol.TCP);
                assertThat(engine.outcome(connection)).as(pod + ":" + port).isEqualTo(engine.evaluate(connection).outcome());
            }
        }
    }

    /** A rule without peers allows every address; one whose peers are all pods allows none outside. */
    @Test
    void aRuleWithoutPeersIsNotTheShapeOfOneWithPodPeersOnly() {
        XyzCluster cluster = XyzCluster.with(
                egress("x", "allow-443", "[{ports: [{port: 443}]}]"),
                egress("y", "allow-443-to-pods", "[{to: [{podSelector: {}}], ports: [{port: 443}]}]"));
        Endpoint tenant = cluster.endpoint(XyzCluster.EXTERNAL_V4);
        PolicyEngine engine = cluster.engine();

        assertThat(engine.outcome(new Connection(cluster.endpoint("x/a"), tenant, 443, Protocol.TCP)))
                .isEqualTo(Outcome.ALLOWED);
        assertThat(engine.outcome(new Connection(cluster.endpoint("y/a"), tenant, 443, Protocol.TCP)))
                .isEqualTo(Outcome.BLOCKED);
    }
}
