package io.netpolguard.netpol;

/**
 * A policy of a kind the guard does not evaluate (Cilium, Calico, Istio) that may still cut a flow, or, when
 * {@code canAllow}, also allow one that NetworkPolicy blocks. It applies to the pods of {@code namespace} (every
 * namespace, host-network pods included, when null), for {@code direction} (both when null).
 *
 * <p>It also stands for every object of a policy kind that RBAC forbids to list, evaluated by the guard or not: then
 * {@code unlistedResource} is what may not be listed, as RBAC and {@code kubectl auth can-i} name it
 * ({@code adminnetworkpolicies.policy.networking.k8s.io}); it is null for an object that was read.
 */
public record UnevaluatedPolicy(String kind, String namespace, String name, Direction direction, boolean canAllow,
        String unlistedResource) {

    /** A policy object that was read. */
    public UnevaluatedPolicy(String kind, String namespace, String name, Direction direction, boolean canAllow) {
        this(kind, namespace, name, direction, canAllow, null);
    }

    /** {@code CiliumNetworkPolicy shop/allow-web} or {@code GlobalNetworkPolicy deny-all}. */
    public String describe() {
        return kind + " " + (namespace == null ? name : namespace + "/" + name);
    }

    /** True when this stands for the objects of a kind the reader may not list. */
    public boolean unlisted() {
        return unlistedResource != null;
    }

    public boolean mayApplyTo(Endpoint subject, Direction side) {
        if (!(subject instanceof PodEndpoint pod) || direction != null && direction != side) {
            return false;
        }
        return namespace == null || !pod.hostNetwork() && pod.namespace().equals(namespace);
    }
}
