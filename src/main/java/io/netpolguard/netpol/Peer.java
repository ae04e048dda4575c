package io.netpolguard.netpol;

import java.net.InetAddress;
import java.util.List;

/** One entry of a rule's {@code from} or {@code to}. */
public sealed interface Peer permits Peer.Pods, Peer.IpBlock, Peer.Nodes, Peer.DomainNames {

    /**
     * Whether this peer matches the endpoint at the other end of the connection, whose address is one of
     * {@code ranges} (its addresses, its ranges, or where an address that is not known may be).
     */
    Outcome matches(Endpoint endpoint, List<Cidr> ranges, NamespaceDirectory namespaces);

    /** The best match of any of {@code peers} (ALLOWED as soon as one matches whole). */
    static Outcome bestMatch(List<Peer> peers, Endpoint endpoint, List<Cidr> ranges, NamespaceDirectory namespaces) {
        Outcome best = Outcome.BLOCKED;
        for (Peer candidate : peers) {
            best = best.or(candidate.matches(endpoint, ranges, namespaces));
            if (best == Outcome.ALLOWED) {
                break;
            }
        }
        return best;
    }

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

    /**
     * The addresses of the Nodes whose labels match (a cluster-wide egress peer). A host-network pod has its node's
     * address; any other pod never matches. Where the guard knows no Node, it cannot say.
     */
    record Nodes(Selector selector) implements Peer {

        @Override
        public Outcome matches(Endpoint endpoint, List<Cidr> ranges, NamespaceDirectory namespaces) {
            if (endpoint instanceof PodEndpoint pod && !pod.hostNetwork()) {
                return Outcome.BLOCKED;
            }
            if (!namespaces.nodesKnown()) {
                return Outcome.UNDETERMINED;
            }
            boolean all = !ranges.isEmpty();
            boolean none = true;
            for (Cidr range : ranges) {
                Outcome outcome = matches(range, namespaces);
                all &= outcome == Outcome.ALLOWED;
                none &= outcome == Outcome.BLOCKED;
            }
            return all ? Outcome.ALLOWED : none ? Outcome.BLOCKED : Outcome.UNDETERMINED;
        }

        private Outcome matches(Cidr range, NamespaceDirectory namespaces) {
            if (range.isSingleAddress()) {
                LabelSet labels = namespaces.nodeLabelsAt(range.address());
                return labels != null && selector.matches(labels) ? Outcome.ALLOWED : Outcome.BLOCKED;
            }
            return namespaces.anyNodeIn(range, selector) ? Outcome.UNDETERMINED : Outcome.BLOCKED;
        }

        @Override
        public String describe() {
            return selector.matchesEverything() ? "every node" : "nodes " + selector;
        }
    }

    /**
     * Host names, exact or {@code *.}-prefixed (one or more labels). Only a host the guard knows by name can be
     * judged; an address alone could belong to any name.
     */
    record DomainNames(List<String> names) implements Peer {

        public DomainNames {
            names = List.copyOf(names);
        }

        @Override
        public Outcome matches(Endpoint endpoint, List<Cidr> ranges, NamespaceDirectory namespaces) {
            if (endpoint instanceof PodEndpoint) {
                return Outcome.BLOCKED;
            }
            ExternalEndpoint external = (ExternalEndpoint) endpoint;
            String host = external.host();
            if (host == null || host.isEmpty() || IpAddresses.isLiteral(host) || !external.ranges().isEmpty()) {
                return Outcome.UNDETERMINED;
            }
            return names.stream().anyMatch(name -> matches(name, host)) ? Outcome.ALLOWED : Outcome.BLOCKED;
        }

        static boolean matches(String pattern, String host) {
            String wanted = stripDot(pattern).toLowerCase(java.util.Locale.ROOT);
            String actual = stripDot(host).toLowerCase(java.util.Locale.ROOT);
            if (wanted.startsWith("*.")) {
                String suffix = wanted.substring(1);
                return actual.endsWith(suffix) && actual.length() > suffix.length();
            }
            return actual.equals(wanted);
        }

        private static String stripDot(String name) {
            return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        }

        @Override
        public String describe() {
            return "domain names " + String.join(", ", names);
        }
    }
}
