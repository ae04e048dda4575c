package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PolicyEngine#outcome} (statuses without verdicts) answers as {@link PolicyEngine#evaluate} does, also when
 * connections come in runs that differ in one thing only (the engine decides a run once) and when a namespace's pods
 * are isolated alike (no look at their labels).
 */
class OutcomeTest {
    private static final XyzCluster CLUSTER = XyzCluster.with("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-to-y-a-and-the-tenant, namespace: x}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: a}}}]
                ports: [{protocol: TCP, port: 80}]
              - to: [{ipBlock: {cidr: 192.0.2.0/24, except: [192.0.2.128/25]}}]
                ports: [{protocol: TCP, port: 443}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: b-from-x, namespace: y}
            spec:
              podSelector: {matchLabels: {pod: b}}
              ingress:
              - from: [{namespaceSelector: {matchLabels: {ns: x}}}]
                ports: [{protocol: TCP, port: serve-81-tcp}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-egress, namespace: z}
            spec: {podSelector: {}, policyTypes: [Egress]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b2, namespace: y, labels: {pod: b}}
            spec:
              containers:
              - name: agnhost
                ports: [{name: serve-81-tcp, containerPort: 9081, protocol: TCP}]
            status: {phase: Running, podIP: 10.0.2.4}
            """);

    /** x/c and z/c are isolated for egress by different policies; y/b and y/b2 alike, with another serve-81-tcp. */
    private static final List<String> SOURCES = List.of("x/a", "x/b", "x/c", "z/c", "y/a", "y/b");
    private static final List<String> DESTINATIONS = List.of("y/a", "y/b", "y/b2", "y/c", "x/a", "192.0.2.10",
            "192.0.2.200", "2001:db8::10");

    @Test
    void runsThatDifferInOneThingAreDecidedEachOnTheirOwn() {
        List<Integer> ports = List.of(80, 81, 443);
        List<Protocol> protocols = List.of(Protocol.TCP, Protocol.UDP);
        int[] sizes = {SOURCES.size(), DESTINATIONS.size(), ports.size(), protocols.size()};
        PolicyEngine engine = CLUSTER.engine();
        int blocked = 0;
        // each of source, destination, port and protocol in turn changes from one connection to the next; one side
        // after the other, then both
        for (int pass = 0; pass < 3 * sizes.length; pass++) {
            int innermost = pass % sizes.length;
            Direction only = pass < sizes.length ? Direction.EGRESS : pass < 2 * sizes.length ? Direction.INGRESS : null;
            int total = sizes[0] * sizes[1] * sizes[2] * sizes[3];
            for (int n = 0; n < total; n++) {
                int[] at = new int[sizes.length];
                int rest = n;
                for (int k = 0; k < sizes.length; k++) {
                    int dimension = (innermost + k) % sizes.length; // innermost first
                    at[dimension] = rest % sizes[dimension];
                    rest /= sizes[dimension];
                }
                Connection connection = new Connection(CLUSTER.endpoint(SOURCES.get(at[0])),
                        CLUSTER.endpoint(DESTINATIONS.get(at[1])), ports.get(at[2]), protocols.get(at[3]));
                Verdict verdict = engine.evaluate(connection);
                if (only == null) {
                    assertThat(engine.outcome(connection)).as(connection.describe()).isEqualTo(verdict.outcome());
                } else {
                    Outcome expected = (only == Direction.EGRESS ? verdict.egress() : verdict.ingress()).outcome();
                    assertThat(engine.sideOutcome(only, connection)).as(only + " " + connection.describe())
                            .isEqualTo(expected);
                }
                blocked += verdict.outcome() == Outcome.BLOCKED ? 1 : 0;
            }
        }
        assertThat(blocked).as("the policies block some of the connections").isGreaterThan(100);
    }

    @Test
    void podsIsolatedAlikeGetTheListTheirLabelsWouldSelect() {
        NamespacePolicies x = CLUSTER.engine().policies().in("x");
        NamespacePolicies y = CLUSTER.engine().policies().in("y");
        for (String pod : List.of("x/a", "x/b", "x/c")) {
            LabelSet labels = CLUSTER.pod(pod).labels();
            assertThat(x.isolatingAlike(Direction.EGRESS)).isEqualTo(x.select(labels).egress()).isNotEmpty();
            assertThat(x.isolatingAlike(Direction.INGRESS)).isEqualTo(x.select(labels).ingress()).isEmpty();
        }
        assertThat(y.isolatingAlike(Direction.INGRESS)).as("b-from-x selects pod=b only").isNull();
        assertThat(y.isolatingAlike(Direction.EGRESS)).isEmpty();
    }
}
