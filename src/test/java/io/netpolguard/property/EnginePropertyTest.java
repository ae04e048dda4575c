package io.netpolguard.property;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.NamespaceInfo;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 §2: the engine ({@link PolicyEngine}) agrees with {@link ReferenceEvaluator}, an evaluator written
 * from the Kubernetes documentation, on generated policies and connections ({@link EngineGen}). Only cases whose
 * answer the documentation defines are generated: every end is a pod with addresses or a single IP address, so
 * the engine must answer ALLOWED or BLOCKED (never UNDETERMINED, its answer for unknown addresses and ranges).
 */
class EnginePropertyTest {
    static final int TRIES = 1_000;
    /** How many probes the reference allowed and blocked: the property is not vacuous when both are many. */
    private static final int[] ALLOWED_BLOCKED = new int[2];

    @Test
    void engineAgreesWithTheDocumentedSemantics() {
        int ran = PropertyRunner.check("engine equals reference", TRIES, EngineGen::generate, EngineCase::shrinks,
                EnginePropertyTest::assertAgrees);
        assertThat(ran).isEqualTo(PropertyRunner.tries(TRIES));
        System.out.printf("engine property: %d probes allowed, %d blocked%n", ALLOWED_BLOCKED[0], ALLOWED_BLOCKED[1]);
        assertThat(Math.min(ALLOWED_BLOCKED[0], ALLOWED_BLOCKED[1])).isGreaterThan(ran / 2);
    }

    /** Every probe of the case: the engine's outcome is ALLOWED exactly when the reference allows. */
    static void assertAgrees(EngineCase cluster) {
        PolicyEngine engine = engine(cluster);
        ReferenceEvaluator reference = new ReferenceEvaluator(cluster);
        List<String> disagreements = new ArrayList<>();
        for (Probe probe : cluster.probes()) {
            Outcome expected = reference.allowed(probe) ? Outcome.ALLOWED : Outcome.BLOCKED;
            ALLOWED_BLOCKED[expected == Outcome.ALLOWED ? 0 : 1]++;
            Verdict verdict = engine.evaluate(new Connection(endpoint(cluster, probe.from()),
                    endpoint(cluster, probe.to()), probe.port(), Protocol.parse(probe.protocol())));
            if (verdict.outcome() != expected) {
                disagreements.add(probe + ": expected " + expected + ", engine " + verdict.outcome() + "\n"
                        + verdict.explanation());
            }
        }
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
        return new PolicyEngine(policies, ns -> namespaces.getOrDefault(ns, NamespaceInfo.implicit(ns).labels()));
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
