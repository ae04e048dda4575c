package io.netpolguard.netpol;

import java.util.List;

/**
 * A NetworkPolicy compiled once into matchers. {@code isolatesIngress}/{@code isolatesEgress} are
 * its effective policyTypes.
 */
public record CompiledPolicy(String namespace, String name, Selector podSelector, boolean isolatesIngress,
        boolean isolatesEgress, List<Rule> ingress, List<Rule> egress) {

    public CompiledPolicy {
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    public String id() {
        return namespace + "/" + name;
    }

    public boolean isolates(Direction direction) {
        return direction == Direction.INGRESS ? isolatesIngress : isolatesEgress;
    }

    public List<Rule> rules(Direction direction) {
        return direction == Direction.INGRESS ? ingress : egress;
    }

    /** Whether this policy selects the pod; host-network pods are never selected. */
    public boolean selects(PodEndpoint pod) {
        return !pod.hostNetwork() && pod.namespace().equals(namespace) && podSelector.matches(pod.labels());
    }
}
