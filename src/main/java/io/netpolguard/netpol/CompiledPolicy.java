package io.netpolguard.netpol;

import java.util.List;

/**
 * A NetworkPolicy compiled once into matchers. {@code isolatesIngress}/{@code isolatesEgress} are
 * its effective policyTypes. {@code problems} says what could not be read (its rules then are
 * {@link Rule#unreadable() unreadable}); empty for a policy read whole.
 */
public record CompiledPolicy(String namespace, String name, Selector podSelector, boolean isolatesIngress,
        boolean isolatesEgress, List<Rule> ingress, List<Rule> egress, List<String> problems) {

    public CompiledPolicy {
        namespace = namespace == null ? null : namespace.intern(); // see PodEndpoint
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
        problems = List.copyOf(problems);
    }

    public CompiledPolicy(String namespace, String name, Selector podSelector, boolean isolatesIngress,
            boolean isolatesEgress, List<Rule> ingress, List<Rule> egress) {
        this(namespace, name, podSelector, isolatesIngress, isolatesEgress, ingress, egress, List.of());
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
