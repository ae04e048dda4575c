package io.netpolguard.bench;

import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.NamespaceDirectory;
import io.netpolguard.netpol.NamespacePolicies;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.PolicySet;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.SideVerdict;
import io.netpolguard.netpol.Verdict;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Evaluations per second of one pod-to-pod connection across two namespaces, each holding
 * {@code policies} NetworkPolicies (default-deny, allow-dns, the allowing policy in the middle, one
 * in ten selecting the probed pod without allowing it, the rest selecting other apps). Eight other
 * namespaces with as many policies make the cluster bigger without being involved.
 *
 * <ul>
 * <li>{@code allowed}: shop/web -> payments/api TCP/8080, allowed on both sides by the middle policy.</li>
 * <li>{@code blocked}: payments/api -> shop/web TCP/8080, which no rule allows on either side: every
 * rule of every isolating policy is looked at.</li>
 * <li>{@code *SelectionCacheFull}: the same, with each namespace's label-set cache already full of
 * other label sets (as after 10,000 distinct pod label sets, e.g. pod-template-hash churn), so that
 * every evaluation also matches every podSelector of both namespaces.</li>
 * </ul>
 * Only {@code verdict.allowed()} is consumed: the explanation is never built.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class EngineBenchmark {
    static final int OTHER_NAMESPACES = 8;
    /** NamespacePolicies' cache limit (private there); filling it forces the uncached path. */
    static final int SELECTION_CACHE_LIMIT = 10_000;

    @Param({"10", "100", "1000"})
    public int policies;

    PolicyEngine engine;
    PolicyEngine cacheFullEngine;
    Connection allowed;
    Connection blocked;

    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        Map<String, LabelSet> namespaceLabels = new HashMap<>();
        namespaceLabels.put("shop", namespace("shop", "alpha"));
        namespaceLabels.put("payments", namespace("payments", "beta"));
        namespaceLabels.put("kube-system", namespace("kube-system", "platform"));
        namespaceLabels.put("monitoring", namespace("monitoring", "observability"));
        // Like ClusterSnapshot.labelsOf: a map lookup, allocating only for unknown namespaces.
        NamespaceDirectory directory = name -> {
            LabelSet labels = namespaceLabels.get(name);
            return labels != null ? labels : LabelSet.of(Map.of(SyntheticPolicies.NAME_LABEL, name));
        };

        SyntheticPolicies.Side client = new SyntheticPolicies.Side("shop", "alpha", "web", "frontend", true,
                "beta", "api", null);
        SyntheticPolicies.Side server = new SyntheticPolicies.Side("payments", "beta", "api", "backend", false,
                "alpha", null, "frontend");
        List<CompiledPolicy> all = new ArrayList<>();
        all.addAll(SyntheticPolicies.generate(client, policies));
        all.addAll(SyntheticPolicies.generate(server, policies));
        for (int n = 0; n < OTHER_NAMESPACES; n++) {
            String ns = "team-" + n;
            namespaceLabels.put(ns, namespace(ns, "team-" + n));
            all.addAll(SyntheticPolicies.generate(new SyntheticPolicies.Side(ns, "team-" + n, "app-" + n, "backend",
                    n % 2 == 0, "alpha", "web", "frontend"), policies));
        }

        PodEndpoint web = PodEndpoint.pod("shop", "web-7d9f8b6c5-x2x7q",
                LabelSet.of(Map.of("app", "web", "tier", "frontend", "team", "alpha", "version", "v3",
                        "pod-template-hash", "7d9f8b6c5")),
                List.of(InetAddress.getByName("10.244.1.17")),
                List.of(new ContainerPort("http", 8080, Protocol.TCP), new ContainerPort("metrics", 9100, Protocol.TCP)));
        PodEndpoint api = PodEndpoint.pod("payments", "api-5c4b9d7f8-k8m2z",
                LabelSet.of(Map.of("app", "api", "tier", "backend", "team", "beta", "version", "v12",
                        "pod-template-hash", "5c4b9d7f8")),
                List.of(InetAddress.getByName("10.244.2.33")),
                List.of(new ContainerPort("http", 8080, Protocol.TCP), new ContainerPort("metrics", 9100, Protocol.TCP),
                        new ContainerPort("grpc", 9000, Protocol.TCP)));
        allowed = new Connection(web, api, 8080, Protocol.TCP);
        blocked = new Connection(api, web, 8080, Protocol.TCP);

        engine = new PolicyEngine(PolicySet.of(all), directory);
        cacheFullEngine = new PolicyEngine(PolicySet.of(all), directory);
        for (String ns : List.of("shop", "payments")) {
            NamespacePolicies nsPolicies = cacheFullEngine.policies().in(ns);
            for (int i = 0; i < SELECTION_CACHE_LIMIT; i++) {
                nsPolicies.select(LabelSet.of(Map.of("app", "filler", "pod-template-hash", Integer.toString(i))));
            }
        }

        check(engine);
        check(cacheFullEngine);
    }

    /** The scenario is what it claims: allowed by the middle policy on both sides, blocked on both sides. */
    private void check(PolicyEngine e) {
        Verdict yes = e.evaluate(allowed);
        require(yes.allowed(), "allowed connection is not allowed:\n" + yes.explanation());
        require(yes.egress().isolated() && yes.ingress().isolated(), "both pods must be isolated");
        int middle = policies / 2;
        require(yes.egress().allowingPolicy() == e.policies().in("shop").policies().get(middle),
                "egress not allowed by the middle policy: " + yes.explanation());
        require(yes.ingress().allowingPolicy() == e.policies().in("payments").policies().get(middle),
                "ingress not allowed by the middle policy: " + yes.explanation());
        Verdict no = e.evaluate(blocked);
        require(!no.allowed(), "blocked connection is allowed:\n" + no.explanation());
        require(no.egress().isolated() && no.ingress().isolated(), "both pods must be isolated");
        require(no.egress().allowingPolicy() == null && no.ingress().allowingPolicy() == null,
                "blocked must be blocked on both sides: " + no.explanation());
        if (e == engine) {
            System.out.printf("%n[setup] policies/namespace=%d: allowed walks egress %s, ingress %s; blocked walks"
                    + " egress %s, ingress %s%n", policies, walked(yes.egress()), walked(yes.ingress()),
                    walked(no.egress()), walked(no.ingress()));
        }
    }

    private static String walked(SideVerdict side) {
        int policies = 0;
        int rules = 0;
        for (CompiledPolicy p : side.isolating()) {
            policies++;
            rules += p.rules(side.direction()).size();
            if (p == side.allowingPolicy()) {
                rules = rules - p.rules(side.direction()).size() + side.allowingRule().index() + 1;
                break;
            }
        }
        return policies + "/" + side.isolating().size() + " isolating policies, " + rules + " rules";
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static LabelSet namespace(String name, String team) {
        return LabelSet.of(Map.of(SyntheticPolicies.NAME_LABEL, name, "team", team, "env", "prod"));
    }

    @Benchmark
    public void allowed(Blackhole bh) {
        bh.consume(engine.evaluate(allowed).allowed());
    }

    @Benchmark
    public void blocked(Blackhole bh) {
        bh.consume(engine.evaluate(blocked).allowed());
    }

    @Benchmark
    public void allowedSelectionCacheFull(Blackhole bh) {
        bh.consume(cacheFullEngine.evaluate(allowed).allowed());
    }

    @Benchmark
    public void blockedSelectionCacheFull(Blackhole bh) {
        bh.consume(cacheFullEngine.evaluate(blocked).allowed());
    }
}
