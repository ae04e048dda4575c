package io.netpolguard.netpol;

import java.net.InetAddress;
import java.util.List;

/** One entry of a rule's {@code from} or {@code to}. */
public sealed interface Peer permits Peer.Pods, Peer.IpBlock {

    /**
     * Whether this peer matches the endpoint at the other end of the connection, whose address is one of
     * {@code ranges} (its addresses, its ranges, or where an address that is not known may be).
     */
    Outcome matches(Endpoint endpoint, List<Cidr> ranges, NamespaceDirectory namespaces);

    /** Why the endpoint is not matched, for explanations. */
    String describe();

    /**
     * podSelector and/or namespaceSelector. A null namespace selector means the policy's own
     * namespace; a null pod selector means every pod of the selected namespaces.
     */
    record Pods(Selector podSelector, Selector namespaceSelector, String policyNamespace) implements Peer {

        @Override
        public Outcome matches(Endpoint endpoint, List<Cidr> ranges, NamespaceDirectory namespaces) {
            if (!(endpoint instanceof PodEndpoint pod) || pod.hostNetwork()) {
                return Outcome.BLOCKED;
            }
            boolean namespaceMatches = namespaceSelector == null
                    ? pod.namespace().equals(policyNamespace)
                    : namespaceSelector.matches(namespaces.labelsOf(pod.namespace()));
            boolean podMatches = podSelector == null || podSelector.matches(pod.labels());
            return namespaceMatches && podMatches ? Outcome.ALLOWED : Outcome.BLOCKED;
        }

        @Override
        public String describe() {
            String pods = podSelector == null ? "all pods" : "pods " + podSelector;
            String where = namespaceSelector == null ? "in namespace " + policyNamespace
                    : namespaceSelector.matchesEverything() ? "in any namespace" : "in namespaces " + namespaceSelector;
            return pods + " " + where;
        }
    }

    /** An address inside {@code cidr} and outside every {@code except}. */
    record IpBlock(Cidr cidr, List<Cidr> except) implements Peer {

        /** ALLOWED when every range is matched, BLOCKED when none is, else UNDETERMINED. */
        @Override
        public Outcome matches(Endpoint endpoint, List<Cidr> ranges, NamespaceDirectory namespaces) {
            boolean all = !ranges.isEmpty();
            boolean none = true;
            for (Cidr range : ranges) {
                Outcome outcome = matches(range);
                all &= outcome == Outcome.ALLOWED;
                none &= outcome == Outcome.BLOCKED;
            }
            return all ? Outcome.ALLOWED : none ? Outcome.BLOCKED : Outcome.UNDETERMINED;
        }

        /** Every address of {@code range} is matched (ALLOWED), none is (BLOCKED), or some are (UNDETERMINED). */
        public Outcome matches(Cidr range) {
            if (!cidr.overlaps(range)) {
                return Outcome.BLOCKED;
            }
            boolean partly = !cidr.covers(range);
            for (Cidr excluded : except) {
                if (excluded.covers(range)) {
                    return Outcome.BLOCKED;
                }
                partly |= excluded.overlaps(range);
            }
            return partly ? Outcome.UNDETERMINED : Outcome.ALLOWED;
        }

        public boolean contains(InetAddress address) {
            if (!cidr.contains(address)) {
                return false;
            }
            for (Cidr excluded : except) {
                if (excluded.contains(address)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String describe() {
            return except.isEmpty() ? "ipBlock " + cidr : "ipBlock " + cidr + " except " + except;
        }
    }
}
