package io.netpolguard.property;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.NamespaceInfo;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.ClusterPolicies;
import io.netpolguard.netpol.ClusterPolicy;
import io.netpolguard.netpol.ClusterPolicyCompiler;
import io.netpolguard.netpol.ClusterPolicyKind;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyCompiler;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.PolicySet;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.Verdict;
import io.netpolguard.property.EngineCase.Pod;
import io.netpolguard.property.EngineCase.Probe;
import io.netpolguard.property.ReferenceEvaluator.DecidedBy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 §2: the engine ({@link PolicyEngine}) agrees with {@link ReferenceEvaluator}, an evaluator written
 * from the Kubernetes documentation and the network-policy-api's, on generated NetworkPolicies, cluster-wide
 * policies of the Admin and Baseline tiers, and connections ({@link EngineGen}). Only cases whose answer the
 * documentation defines are generated: every end is a pod with addresses or a single IP address, so the engine
 * must answer ALLOWED or BLOCKED (never UNDETERMINED, its answer for unknown addresses and ranges). A probe whose
 * answer depends on the order of two policies of the same tier and priority (which upstream leaves to the
 * implementation) is counted and skipped.
 */
class EnginePropertyTest {
    static final int TRIES = 1_000;
    /** How many probes the reference allowed and blocked: the property is not vacuous when both are many. */
    private static final int[] ALLOWED_BLOCKED = new int[2];
    /** Probes skipped because the order of same-priority policies decides them. */
    private static int ambiguous;
    /** Where the reference decided a side, over every probe: the tiers are not vacuous when each decides often. */
    private static final Map<DecidedBy, Integer> DECIDED_BY = new EnumMap<>(DecidedBy.class);

    @Test
    void engineAgreesWithTheDocumentedSemantics() {
        int ran = PropertyRunner.check("engine equals reference", TRIES, EngineGen::generate, EngineCase::shrinks,
                EnginePropertyTest::assertAgrees);
        assertThat(ran).isEqualTo(PropertyRunner.tries(TRIES));
        System.out.printf("engine property: %d probes allowed, %d blocked, %d skipped (same-priority order decides)%n",
                ALLOWED_BLOCKED[0], ALLOWED_BLOCKED[1], ambiguous);
        System.out.printf("engine property: sides decided by %s%n", DECIDED_BY);
        assertThat(Math.min(ALLOWED_BLOCKED[0], ALLOWED_BLOCKED[1])).isGreaterThan(ran / 2);
        if (ran >= 200) {
            assertThat(ambiguous).as("probes skipped").isLessThan(ran / 20);
            assertThat(decided(DecidedBy.ADMIN_ALLOW, DecidedBy.ADMIN_DENY)).as("sides decided by the Admin tier")
                    .isGreaterThan(ran / 20);
            assertThat(decided(DecidedBy.BASELINE_ALLOW, DecidedBy.BASELINE_DENY)).as("sides decided by the Baseline tier")
                    .isGreaterThan(ran / 20);
            assertThat(decided(DecidedBy.NETWORK_POLICY_AFTER_PASS, DecidedBy.DEFAULT_AFTER_PASS))
                    .as("sides decided after a Pass").isGreaterThan(ran / 50);
            assertThat(DECIDED_BY.getOrDefault(DecidedBy.NETWORK_POLICY_AFTER_PASS, 0))
                    .as("sides NetworkPolicy decided after a Pass").isGreaterThan(0);
        }
    }

    private static int decided(DecidedBy... by) {
        int sum = 0;
        for (DecidedBy one : by) {
            sum += DECIDED_BY.getOrDefault(one, 0);
        }
        return sum;
    }

    /** Every probe of the case: the engine's outcome is ALLOWED exactly when the reference allows. */
    static void assertAgrees(EngineCase cluster) {
        PolicyEngine engine = engine(cluster);
        ReferenceEvaluator reference = new ReferenceEvaluator(cluster);
        List<String> disagreements = new ArrayList<>();
        for (Probe probe : cluster.probes()) {
            Set<Boolean> answers = reference.answers(probe);
            if (answers.size() > 1) {
                ambiguous++;
                continue;
            }
            Outcome expected = answers.contains(true) ? Outcome.ALLOWED : Outcome.BLOCKED;
            ALLOWED_BLOCKED[expected == Outcome.ALLOWED ? 0 : 1]++;
            Verdict verdict = engine.evaluate(new Connection(endpoint(cluster, probe.from()),
                    endpoint(cluster, probe.to()), probe.port(), Protocol.parse(probe.protocol())));
            if (verdict.outcome() != expected) {
                disagreements.add(probe + ": expected " + expected + ", engine " + verdict.outcome() + "\n"
                        + verdict.explanation());
            }
        }
        reference.decidedBy().forEach((by, count) -> DECIDED_BY.merge(by, count, Integer::sum));
        assertThat(disagreements).as("engine disagrees with the reference").isEmpty();
    }

    static PolicyEngine engine(EngineCase cluster) {
        Map<String, LabelSet> namespaces = new HashMap<>();
        cluster.namespaces().forEach((name, labels) -> namespaces.put(name, NamespaceInfo.of(name, labels, null).labels()));
        PolicySet policies = PolicySet.of(cluster.policies().stream().map(p -> {
            try {
                return PolicyCompiler.compile(Manifests.JSON.treeToValue(p.manifest(), NetworkPolicy.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }).toList());
        ClusterPolicies clusterPolicies = new ClusterPolicies(cluster.clusterPolicies().stream()
                .map(EnginePropertyTest::compile).toList());
        return new PolicyEngine(policies, ns -> namespaces.getOrDefault(ns, NamespaceInfo.implicit(ns).labels()),
                List.of(Cidr.wholeFamily(true), Cidr.wholeFamily(false)), clusterPolicies, List.of());
    }

    /** A generated cluster-wide policy read from its manifest as a snapshot reads one; it must read cleanly. */
    static ClusterPolicy compile(PolicyModel.ClusterPolicy policy) {
        var manifest = policy.manifest();
        ClusterPolicyKind kind = ClusterPolicyCompiler.kindOf(manifest.path("apiVersion").asText(),
                manifest.path("kind").asText()).orElseThrow();
        ClusterPolicy compiled = ClusterPolicyCompiler.compile(kind, manifest);
        assertThat(compiled.problems()).as("problems reading " + manifest).isEmpty();
        return compiled;
    }

    static Endpoint endpoint(EngineCase cluster, String ref) {
        Pod pod = cluster.pod(ref);
        if (pod == null) {
            return ExternalEndpoint.ofAddress(IpAddresses.parse(ref).orElseThrow());
        }
        return new PodEndpoint("Pod", pod.namespace(), pod.name(), LabelSet.of(pod.labels()),
                pod.ips().stream().map(ip -> IpAddresses.parse(ip).orElseThrow()).toList(), pod.hostNetwork(),
                pod.ports().stream().map(p -> new ContainerPort(p.name(), p.number(), Protocol.parse(p.protocol()))).toList());
    }
}
