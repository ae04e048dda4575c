package io.netpolguard.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.UnevaluatedPolicy;
import java.util.List;
import java.util.Optional;

/**
 * Policy kinds the guard does not evaluate but that can decide a flow: Cilium's and Calico's policies (which can
 * allow as well as deny, beside or above NetworkPolicy) and Istio's AuthorizationPolicy and registry-only Sidecar
 * (which can only cut). Their presence and namespace are read; which pods they select is not.
 */
public final class UnevaluatedKinds {
    /** Istio's root namespace: policies there apply to the whole mesh. */
    static final String ISTIO_ROOT_NAMESPACE = "istio-system";

    /** A kind of one API group, and whether it is namespaced. */
    public record Kind(String group, String kind, String plural, boolean namespaced) {
        /** How explanations name the kind: {@code CiliumNetworkPolicy}, {@code Calico NetworkPolicy}. */
        public String label() {
            return group.contains("calico") ? "Calico " + kind : kind;
        }
    }

    public static final List<Kind> KINDS = List.of(
            new Kind("cilium.io", "CiliumNetworkPolicy", "ciliumnetworkpolicies", true),
            new Kind("cilium.io", "CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies", false),
            new Kind("projectcalico.org", "NetworkPolicy", "networkpolicies", true),
            new Kind("projectcalico.org", "GlobalNetworkPolicy", "globalnetworkpolicies", false),
            new Kind("crd.projectcalico.org", "NetworkPolicy", "networkpolicies", true),
            new Kind("crd.projectcalico.org", "GlobalNetworkPolicy", "globalnetworkpolicies", false),
            new Kind("security.istio.io", "AuthorizationPolicy", "authorizationpolicies", true),
            new Kind("networking.istio.io", "Sidecar", "sidecars", true));

    private UnevaluatedKinds() {
    }

    public static Optional<Kind> of(String apiVersion, String kind) {
        String group = apiVersion == null || !apiVersion.contains("/") ? "" : apiVersion.substring(0, apiVersion.indexOf('/'));
        return KINDS.stream().filter(k -> k.group().equals(group) && k.kind().equals(kind)).findFirst();
    }

    /** The policy an object of one of these kinds is, or empty when it cannot affect a flow (a Sidecar allowing any). */
    public static Optional<UnevaluatedPolicy> read(Kind kind, JsonNode object) {
        String name = object.path("metadata").path("name").asText("");
        String namespace = kind.namespaced() ? object.path("metadata").path("namespace").asText("default") : null;
        String label = kind.label();
        return switch (kind.kind()) {
            case "AuthorizationPolicy" -> Optional.of(new UnevaluatedPolicy(label, meshWide(namespace), name,
                    Direction.INGRESS, false));
            case "Sidecar" -> "REGISTRY_ONLY".equals(object.path("spec").path("outboundTrafficPolicy").path("mode").asText(""))
                    ? Optional.of(new UnevaluatedPolicy(label, meshWide(namespace), name, Direction.EGRESS, false))
                    : Optional.empty();
            default -> Optional.of(new UnevaluatedPolicy(label, namespace, name, null, true));
        };
    }

    /**
     * Stands for every object of a policy kind the guard may not list (RBAC forbids listing {@code resource}, named as
     * RBAC names it: {@code adminnetworkpolicies.policy.networking.k8s.io}): any of them may apply to any pod, in either
     * direction, and allow as well as deny, so the sides of every flow become unverifiable.
     */
    public static UnevaluatedPolicy unlisted(String kindLabel, String resource) {
        return new UnevaluatedPolicy(kindLabel, null, "(any: the guard may not list this kind)", null, true, resource);
    }

    private static String meshWide(String namespace) {
        return ISTIO_ROOT_NAMESPACE.equals(namespace) ? null : namespace;
    }
}
