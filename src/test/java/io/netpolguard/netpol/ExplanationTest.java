package io.netpolguard.netpol;

import static io.netpolguard.netpol.Protocol.TCP;
import static io.netpolguard.netpol.Protocol.UDP;
import static io.netpolguard.netpol.XyzCluster.unresolved;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a verdict says: isolating policies, the allowing rule, why each rule did not match; and UNDETERMINED. */
class ExplanationTest {

    /** x/a accepts x/b on TCP/81 and UDP/80, y on its "metrics" port, and most of 192.0.2.0/24. */
    private static final XyzCluster CLUSTER = XyzCluster.with("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: allow-a
              namespace: x
            spec:
              podSelector:
                matchLabels:
                  pod: a
              ingress:
                - from:
                    - podSelector:
                        matchLabels:
                          pod: b
                  ports:
                    - port: 81
                    - port: 80
                      protocol: UDP
                - from:
                    - namespaceSelector:
                        matchLabels:
                          ns: y
                  ports:
                    - port: metrics
                - from:
                    - ipBlock:
                        cidr: 192.0.2.0/24
                        except: [192.0.2.0/28]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: default-deny-ingress
              namespace: x
            spec:
              podSelector: {}
              policyTypes: [Ingress]
            """);

    @Test
    void anAllowedConnectionNamesTheIsolatingPoliciesAndTheAllowingRule() {
        Verdict verdict = CLUSTER.probe("x/b", "x/a", 81);

        assertThat(verdict.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(verdict.ingress().allowingRule().path()).isEqualTo("ingress[0]");
        assertThat(verdict.explanation()).startsWith("allowed").contains(
                "- egress of x/b: not isolated",
                "- ingress of x/a: isolated by x/allow-a, x/default-deny-ingress; allowed by x/allow-a ingress[0]");
    }

    @Test
    void theAllowingRuleIsTheOneThatMatches() {
        Verdict verdict = CLUSTER.probe("192.0.2.99", "x/a", 443);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.explanation()).contains("allowed by x/allow-a ingress[2]")
                .contains("- egress of 192.0.2.99: outside the cluster's pods");
    }

    @Test
    void aBlockedConnectionSaysForEachRuleWhyItDidNotMatch() {
        Verdict verdict = CLUSTER.probe("y/b", "x/a", 80);

        assertThat(verdict.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(verdict.explanation()).startsWith("blocked by the ingress of x/a").contains(
                "- ingress of x/a: isolated by x/allow-a, x/default-deny-ingress; no ingress rule allows y/b on TCP/80",
                "x/allow-a ingress[0]: port does not match (allows TCP/81, not port 80; allows UDP/80, not TCP)",
                "and peer does not match (allows pods {pod=b} in namespace x, and y/b is in namespace y)",
                "x/allow-a ingress[1]: port does not match (allows named port TCP/metrics, but x/a declares no TCP"
                        + " container port named 'metrics')",
                "x/allow-a ingress[2]: peer does not match (allows ipBlock 192.0.2.0/24 except [192.0.2.0/28], and y/b"
                        + " is outside it)",
                "x/default-deny-ingress: has no ingress rules (denies all ingress)");
    }

    @Test
    void aPeerMismatchNamesTheLabelsThatDidNotMatch() {
        Verdict verdict = CLUSTER.probe("x/c", "x/a", 81);

        assertThat(verdict.explanation()).contains(
                "x/allow-a ingress[0]: peer does not match (allows pods {pod=b} in namespace x, and x/c has labels {pod=c})",
                "x/allow-a ingress[1]: port does not match (allows named port TCP/metrics, but x/a declares no TCP"
                        + " container port named 'metrics'), and peer does not match (allows all pods in namespaces"
                        + " {ns=y}, and namespace x has labels {kubernetes.io/metadata.name=x, ns=x})");
    }

    @Test
    void aProtocolMismatchIsNamed() {
        Verdict verdict = CLUSTER.probe("x/b", "x/a", UDP, 81);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.explanation()).contains("allows TCP/81, not UDP; allows UDP/80, not port 81");
    }

    @Test
    void anAddressInAnExceptRangeIsNamed() {
        Verdict verdict = CLUSTER.probe("192.0.2.5", "x/a", 443);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.explanation()).contains("192.0.2.5 is not a pod")
                .contains("allows ipBlock 192.0.2.0/24 except [192.0.2.0/28], and 192.0.2.5")
                .contains("is in an except range");
    }

    @Test
    void blockedOnBothSidesNamesBoth() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: deny-all
                  namespace: z
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                """);

        Verdict verdict = cluster.probe("z/a", "z/b", 80);

        assertThat(verdict.explanation()).startsWith("blocked by the egress of z/a and the ingress of z/b")
                .contains("z/deny-all: has no egress rules (denies all egress)")
                .contains("z/deny-all: has no ingress rules (denies all ingress)");
    }

    @Test
    void aConnectionToItselfSaysSo() {
        assertThat(CLUSTER.probe("x/a", "x/a", 80).explanation()).isEqualTo("allowed: a pod may always connect to itself");
    }

    /** x/a may reach the address ranges of the given egress rule only. */
    private static XyzCluster egressOfXa(String rule) {
        return XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: egress-of-a
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  policyTypes: [Egress]
                  egress:
                %s""".formatted(rule.indent(4)));
    }

    @Test
    void anUnresolvedHostAgainstANarrowerIpBlockIsUndetermined() {
        XyzCluster cluster = egressOfXa("""
                - to:
                    - ipBlock:
                        cidr: 192.0.2.0/24
                """);

        Verdict verdict = cluster.probe(cluster.endpoint("x/a"), unresolved("api.example.com"), TCP, 443);

        assertThat(verdict.outcome()).isEqualTo(Outcome.UNDETERMINED);
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.explanation()).startsWith("undetermined by the egress of x/a").contains(
                "only ipBlock rules could allow api.example.com, and its address is not known",
                "x/egress-of-a egress[0]: peer depends on the address of api.example.com, which is not known"
                        + " (ipBlock 192.0.2.0/24)");
    }

    @Test
    void anUnresolvedHostAgainstTheWholeAddressSpaceWithExceptionsIsUndetermined() {
        XyzCluster cluster = egressOfXa("""
                - to:
                    - ipBlock:
                        cidr: 0.0.0.0/0
                        except: [169.254.169.254/32]
                """);

        assertThat(cluster.probe(cluster.endpoint("x/a"), unresolved("api.example.com"), TCP, 443).outcome())
                .isEqualTo(Outcome.UNDETERMINED);
    }

    @Test
    void anUnresolvedHostAgainstTheWholeAddressSpaceIsAllowed() {
        XyzCluster cluster = egressOfXa("""
                - to:
                    - ipBlock:
                        cidr: 0.0.0.0/0
                    - ipBlock:
                        cidr: ::/0
                """);

        Verdict verdict = cluster.probe(cluster.endpoint("x/a"), unresolved("api.example.com"), TCP, 443);

        assertThat(verdict.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(verdict.explanation()).contains("allowed by x/egress-of-a egress[0]");
    }

    @Test
    void anUnresolvedHostAgainstARuleWithTheWrongPortIsBlocked() {
        XyzCluster cluster = egressOfXa("""
                - to:
                    - ipBlock:
                        cidr: 192.0.2.0/24
                  ports:
                    - port: 53
                      protocol: UDP
                """);

        Verdict verdict = cluster.probe(cluster.endpoint("x/a"), unresolved("api.example.com"), TCP, 443);

        assertThat(verdict.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(verdict.explanation()).startsWith("blocked by the egress of x/a")
                .contains("port does not match (allows UDP/53, not TCP)");
    }

    @Test
    void anUnresolvedHostIsNeverMatchedBySelectorsSoTheyBlock() {
        XyzCluster cluster = egressOfXa("""
                - to:
                    - namespaceSelector: {}
                """);

        assertThat(cluster.probe(cluster.endpoint("x/a"), unresolved("api.example.com"), TCP, 443).outcome())
                .isEqualTo(Outcome.BLOCKED);
    }

    @Test
    void anyRuleThatAllowsWinsOverAnUndeterminedOne() {
        XyzCluster cluster = egressOfXa("""
                - to:
                    - ipBlock:
                        cidr: 192.0.2.0/24
                - ports:
                    - port: 443
                """);

        Verdict verdict = cluster.probe(cluster.endpoint("x/a"), unresolved("api.example.com"), TCP, 443);

        assertThat(verdict.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(verdict.explanation()).contains("allowed by x/egress-of-a egress[1]");
    }

    @Test
    void aWorkloadTemplateHasNoAddressSoIpBlocksLeaveItUndeterminedAndABlockedSideOutweighsThat() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api
                  namespace: y
                spec:
                  selector:
                    matchLabels:
                      app: api
                  template:
                    metadata:
                      labels:
                        app: api
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: egress-to-pod-network
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock:
                            cidr: 10.0.0.0/8
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: api-from-z
                  namespace: y
                spec:
                  podSelector:
                    matchLabels:
                      app: api
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchLabels:
                              ns: z
                """);

        Verdict fromZ = cluster.probe("z/a", "y/Deployment/api", 80);
        Verdict fromXa = cluster.probe("x/a", "y/Deployment/api", 80);
        Verdict fromXb = cluster.probe("x/b", "y/Deployment/api", 80);

        assertThat(fromZ.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(fromXb.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(fromXa.egress().outcome()).isEqualTo(Outcome.UNDETERMINED);
        assertThat(fromXa.ingress().outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(fromXa.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(fromXa.explanation()).startsWith("blocked by the ingress of y/Deployment/api")
                .contains("- egress of x/a: isolated by x/egress-to-pod-network; only ipBlock rules could allow"
                        + " y/Deployment/api, and its address is not known");
    }
}
