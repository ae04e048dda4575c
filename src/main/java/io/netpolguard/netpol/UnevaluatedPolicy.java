package io.netpolguard.netpol;

/**
 * A policy of a kind the guard does not evaluate (Cilium, Calico, Istio) that may still cut a flow, or, when
 * {@code canAllow}, also allow one that NetworkPolicy blocks. It applies to the pods of {@code namespace} (every
 * namespace, host-network pods included, when null), for {@code direction} (both when null).
 */
public record UnevaluatedPolicy(String kind, String namespace, String name, Direction direction, boolean canAllow) {

    /** {@code CiliumNetworkPolicy shop/allow-web} or {@code GlobalNetworkPolicy deny-all}. */
    public String describe() {
        return kind + " " + (namespace == null ? name : namespace + "/" + name);
    }

    public boolean mayApplyTo(Endpoint subject, Direction side) {
        if (!(subject instanceof PodEndpoint pod) || direction != null && direction != side) {
            return false;
        }
        return namespace == null || !pod.hostNetwork() && pod.namespace().equals(namespace);
    }
}
