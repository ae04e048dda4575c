package io.netpolguard.bench;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.PolicyCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Deterministic, realistic-looking NetworkPolicies for one namespace.
 *
 * <p>Policy 0 is a default-deny (Ingress and Egress) and policy 1 allows DNS egress; both select every
 * pod. The policy at index {@code count / 2} is the one that allows the benchmarked connection
 * (egress in the client namespace, ingress in the server namespace). Of the others, one in ten
 * selects the probed pod (through a team label or a tier matchExpression) and has rules that do not
 * allow the benchmarked connection; nine in ten select other apps. Rules mix podSelector +
 * namespaceSelector peers, matchExpressions, ipBlocks with excepts, numbered, ranged and named ports.
 */
final class SyntheticPolicies {
    static final String NAME_LABEL = "kubernetes.io/metadata.name";

    /** What the namespace's probed pod looks like, and what the allowing policy lets through. */
    record Side(String namespace, String team, String app, String tier, boolean egressSide, String allowTeam,
            String allowApp, String allowTier) {
    }

    private SyntheticPolicies() {
    }

    static List<CompiledPolicy> generate(Side side, int count) {
        List<CompiledPolicy> out = new ArrayList<>(count);
        int allowing = count / 2;
        for (int i = 0; i < count; i++) {
            NetworkPolicy policy;
            if (i == 0) {
                policy = defaultDeny(side.namespace());
            } else if (i == 1) {
                policy = allowDns(side.namespace());
            } else if (i == allowing) {
                policy = side.egressSide() ? allowEgressTo(side) : allowIngressFrom(side);
            } else if (i % 10 == 9) {
                policy = selectingButNotAllowing(side, i);
            } else {
                policy = otherApp(side.namespace(), i);
            }
            out.add(PolicyCompiler.compile(policy));
        }
        return out;
    }

    private static NetworkPolicy defaultDeny(String namespace) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace(namespace).withName("default-deny").endMetadata()
                .withNewSpec().withPodSelector(new LabelSelector()).withPolicyTypes("Ingress", "Egress").endSpec()
                .build();
    }

    private static NetworkPolicy allowDns(String namespace) {
        NetworkPolicyEgressRule dns = new NetworkPolicyEgressRuleBuilder()
                .withTo(pods(labels("k8s-app", "kube-dns"), labels(NAME_LABEL, "kube-system")))
                .withPorts(port("UDP", 53), port("TCP", 53))
                .build();
        return policy(namespace, "allow-dns", new LabelSelector(), List.of("Egress"), List.of(), List.of(dns));
    }

    /** Client side: lets the probed pod reach the server pods (app, team namespace) on the named port http. */
    private static NetworkPolicy allowEgressTo(Side side) {
        NetworkPolicyEgressRule metrics = new NetworkPolicyEgressRuleBuilder()
                .withTo(pods(labels("app", "prometheus"), labels("team", "observability")))
                .withPorts(port("TCP", 9090))
                .build();
        NetworkPolicyEgressRule server = new NetworkPolicyEgressRuleBuilder()
                .withTo(pods(labels("app", side.allowApp()), labels("team", side.allowTeam())))
                .withPorts(port("TCP", 8080), port("TCP", 8443))
                .build();
        return policy(side.namespace(), "allow-" + side.app() + "-to-" + side.allowApp(),
                labels("app", side.app()), List.of("Egress"), List.of(), List.of(metrics, server));
    }

    /** Server side: lets pods of the client tier in the client team's namespaces in on the named port http. */
    private static NetworkPolicy allowIngressFrom(Side side) {
        NetworkPolicyIngressRule monitoring = new NetworkPolicyIngressRuleBuilder()
                .withFrom(pods(labels("app", "prometheus"), labels("team", "observability")))
                .withPorts(namedPort("metrics"))
                .build();
        NetworkPolicyIngressRule clients = new NetworkPolicyIngressRuleBuilder()
                .withFrom(pods(in("tier", side.allowTier(), "edge"), labels("team", side.allowTeam())))
                .withPorts(namedPort("http"))
                .build();
        return policy(side.namespace(), "allow-" + side.allowTeam() + "-to-" + side.app(),
                new LabelSelectorBuilder().withMatchLabels(Map.of("app", side.app()))
                        .addToMatchExpressions(new LabelSelectorRequirementBuilder().withKey("tier")
                                .withOperator("In").withValues(side.tier()).build())
                        .build(),
                List.of("Ingress"), List.of(monitoring, clients), List.of());
    }

    /**
     * Selects the probed pod (team-wide or tier-wide) but allows other things: peers that do not match,
     * ports that do not match, ipBlocks that do not contain the pod's address.
     */
    private static NetworkPolicy selectingButNotAllowing(Side side, int i) {
        LabelSelector selector = (i / 10) % 2 == 0
                ? labels("team", side.team())
                : in("tier", side.tier(), "tier-" + i);
        NetworkPolicyIngressRule fromSameTier = new NetworkPolicyIngressRuleBuilder()
                .withFrom(pods(labels("app", "svc-" + i), null), pods(null, labels("team", "team-" + i)))
                .withPorts(port("TCP", 8080), namedPort("metrics"))
                .build();
        NetworkPolicyIngressRule fromLegacy = new NetworkPolicyIngressRuleBuilder()
                .withFrom(ipBlock("192.168." + (i % 256) + ".0/24"))
                .build();
        NetworkPolicyEgressRule toDb = new NetworkPolicyEgressRuleBuilder()
                .withTo(pods(labels("app", "db-" + i), in("env", "prod", "staging")))
                .withPorts(port("TCP", 5432))
                .build();
        NetworkPolicyEgressRule toExternal = new NetworkPolicyEgressRuleBuilder()
                .withTo(ipBlock("0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
                .withPorts(port("TCP", 443))
                .build();
        NetworkPolicyEgressRule toCache = new NetworkPolicyEgressRuleBuilder()
                .withTo(pods(in("app", "cache-" + i, "redis-" + i), null))
                .withPorts(range(6379, 6380))
                .build();
        return policy(side.namespace(), "team-rules-" + i, selector, List.of("Ingress", "Egress"),
                List.of(fromSameTier, fromLegacy), List.of(toDb, toExternal, toCache));
    }

    /** Selects some other app: never isolates the probed pod. */
    private static NetworkPolicy otherApp(String namespace, int i) {
        LabelSelector selector = new LabelSelectorBuilder().withMatchLabels(Map.of("app", "svc-" + i))
                .addToMatchExpressions(new LabelSelectorRequirementBuilder().withKey("tier").withOperator("In")
                        .withValues("frontend", "backend", "worker").build())
                .addToMatchExpressions(new LabelSelectorRequirementBuilder().withKey("canary")
                        .withOperator("DoesNotExist").build())
                .build();
        NetworkPolicyIngressRule in = new NetworkPolicyIngressRuleBuilder()
                .withFrom(pods(labels("app", "svc-" + (i + 1)), null),
                        pods(new LabelSelector(), labels("team", "team-" + (i % 7))))
                .withPorts(port("TCP", 8000 + i % 100), namedPort("grpc"))
                .build();
        NetworkPolicyEgressRule out = new NetworkPolicyEgressRuleBuilder()
                .withTo(pods(labels("app", "svc-" + (i + 2)), null), ipBlock("10." + (i % 256) + ".0.0/16"))
                .withPorts(port("TCP", 8000 + (i + 2) % 100))
                .build();
        return policy(namespace, "svc-" + i, selector, List.of("Ingress", "Egress"), List.of(in), List.of(out));
    }

    private static NetworkPolicy policy(String namespace, String name, LabelSelector podSelector, List<String> types,
            List<NetworkPolicyIngressRule> ingress, List<NetworkPolicyEgressRule> egress) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withPodSelector(podSelector).withPolicyTypes(types).withIngress(ingress)
                .withEgress(egress).endSpec().build();
    }

    static LabelSelector labels(String key, String value) {
        return new LabelSelectorBuilder().withMatchLabels(Map.of(key, value)).build();
    }

    private static LabelSelector in(String key, String... values) {
        return new LabelSelectorBuilder().addToMatchExpressions(new LabelSelectorRequirementBuilder().withKey(key)
                .withOperator("In").withValues(values).build()).build();
    }

    private static NetworkPolicyPeer pods(LabelSelector podSelector, LabelSelector namespaceSelector) {
        return new NetworkPolicyPeerBuilder().withPodSelector(podSelector).withNamespaceSelector(namespaceSelector)
                .build();
    }

    private static NetworkPolicyPeer ipBlock(String cidr, String... except) {
        return new NetworkPolicyPeerBuilder().withIpBlock(new IPBlockBuilder().withCidr(cidr).withExcept(except).build())
                .build();
    }

    private static NetworkPolicyPort port(String protocol, int number) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(number)).build();
    }

    private static NetworkPolicyPort range(int from, int to) {
        return new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(from)).withEndPort(to).build();
    }

    private static NetworkPolicyPort namedPort(String name) {
        return new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(name)).build();
    }
}
