package io.netpolguard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpolguard.netpol.ClusterPolicies;
import io.netpolguard.netpol.ClusterPolicy;
import io.netpolguard.netpol.ClusterPolicyCompiler;
import io.netpolguard.netpol.ClusterPolicyKind;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.NamespaceDirectory;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.PolicySet;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.Tier;
import io.netpolguard.netpol.Verdict;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the Admin and Baseline tiers cost per connection: shop/web -> payments/api TCP/8080 under 10
 * NetworkPolicies per namespace (allowed by them), with {@code clusterPolicies} Admin-tier policies that apply to
 * every pod, each with 5 egress and 5 ingress rules that do not match the connection (the worst case: every rule
 * of every policy is looked at before NetworkPolicy decides), and the same number of Baseline policies that are
 * never reached. 0 is the engine without cluster-wide policies.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class ClusterTierBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Param({"0", "10", "100"})
    public int clusterPolicies;

    PolicyEngine engine;
    Connection allowed;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Map<String, LabelSet> namespaceLabels = Map.of("shop", LabelSet.of(Map.of(SyntheticPolicies.NAME_LABEL, "shop",
                "team", "alpha")), "payments", LabelSet.of(Map.of(SyntheticPolicies.NAME_LABEL, "payments", "team", "beta")));
        NamespaceDirectory directory = name -> namespaceLabels.getOrDefault(name,
                LabelSet.of(Map.of(SyntheticPolicies.NAME_LABEL, name)));
        List<CompiledPolicy> all = new ArrayList<>();
        all.addAll(SyntheticPolicies.generate(new SyntheticPolicies.Side("shop", "alpha", "web", "frontend", true,
                "beta", "api", null), 10));
        all.addAll(SyntheticPolicies.generate(new SyntheticPolicies.Side("payments", "beta", "api", "backend", false,
                "alpha", null, "frontend"), 10));
        List<ClusterPolicy> tiers = new ArrayList<>();
        for (int i = 0; i < clusterPolicies; i++) {
            tiers.add(ClusterPolicyCompiler.compile(ClusterPolicyKind.CLUSTER_NETWORK_POLICY,
                    JSON.readTree(policy("admin-" + i, "Admin", i))));
            tiers.add(ClusterPolicyCompiler.compile(ClusterPolicyKind.CLUSTER_NETWORK_POLICY,
                    JSON.readTree(policy("baseline-" + i, "Baseline", i))));
        }
        PodEndpoint web = PodEndpoint.pod("shop", "web-7d9f8b6c5-x2x7q", LabelSet.of(Map.of("app", "web", "tier",
                "frontend", "team", "alpha")), List.of(InetAddress.getByName("10.244.1.17")),
                List.of(new ContainerPort("http", 8080, Protocol.TCP)));
        PodEndpoint api = PodEndpoint.pod("payments", "api-5c4b9d7f8-k8m2z", LabelSet.of(Map.of("app", "api", "tier",
                "backend", "team", "beta")), List.of(InetAddress.getByName("10.244.2.33")),
                List.of(new ContainerPort("http", 8080, Protocol.TCP)));
        allowed = new Connection(web, api, 8080, Protocol.TCP);
        engine = new PolicyEngine(PolicySet.of(all), directory, List.of(io.netpolguard.netpol.Cidr.wholeFamily(true)),
                new ClusterPolicies(tiers), List.of());
        Verdict verdict = engine.evaluate(allowed);
        if (!verdict.allowed() || clusterPolicies > 0 && verdict.egress().cluster().tier() != Tier.NETWORK_POLICY) {
            throw new IllegalStateException("the scenario is not what it claims:\n" + verdict.explanation());
        }
    }

    /** Rules about namespaces and ports the connection never uses. */
    private static String policy(String name, String tier, int priority) throws UnknownHostException {
        StringBuilder egress = new StringBuilder();
        StringBuilder ingress = new StringBuilder();
        for (int r = 0; r < 5; r++) {
            String rule = "{\"action\":\"Deny\",\"%s\":[{\"namespaces\":{\"matchLabels\":{\"team\":\"other-" + r
                    + "\"}}}],\"protocols\":[{\"tcp\":{\"destinationPort\":{\"number\":" + (9000 + r) + "}}}]}";
            egress.append(r == 0 ? "" : ",").append(rule.formatted("to"));
            ingress.append(r == 0 ? "" : ",").append(rule.formatted("from"));
        }
        return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"tier\":\"" + tier + "\",\"priority\":" + priority
                + ",\"subject\":{\"namespaces\":{}},\"egress\":[" + egress + "],\"ingress\":[" + ingress + "]}}";
    }

    @Benchmark
    public void allowed(Blackhole bh) {
        bh.consume(engine.evaluate(allowed).allowed());
    }
}
