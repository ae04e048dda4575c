package io.netpolguard.netpol;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Writes why a connection is allowed or not, naming policies and rules. */
final class Explainer {

    private Explainer() {
    }

    static String explain(Verdict verdict, NamespaceDirectory namespaces) {
        Connection connection = verdict.connection();
        List<String> lines = new ArrayList<>();
        lines.add(summary(verdict));
        lines.addAll(side(verdict.egress(), connection, connection.destination(), namespaces));
        lines.addAll(side(verdict.ingress(), connection, connection.source(), namespaces));
        return String.join("\n", lines);
    }

    /** One line: why the verdict is not ALLOWED, from the side(s) that decide it; null when allowed. */
    static String reason(Verdict verdict) {
        Outcome outcome = verdict.outcome();
        if (outcome == Outcome.ALLOWED) {
            return null;
        }
        Connection connection = verdict.connection();
        List<String> reasons = new ArrayList<>();
        for (SideVerdict side : List.of(verdict.egress(), verdict.ingress())) {
            if (side.outcome() != outcome) {
                continue;
            }
            Endpoint peer = side.direction() == Direction.EGRESS ? connection.destination() : connection.source();
            String subject = "the " + side.direction().field() + " of " + side.subject().displayName();
            if (!side.unevaluated().isEmpty()) {
                reasons.add(subject + ": " + unevaluated(side));
            } else if (side.decidedByClusterRule()) {
                reasons.add(subject + ": " + clusterRule(side, peer, connection));
            } else {
                reasons.add(outcome == Outcome.UNDETERMINED ? subject + ": " + undetermined(side, peer)
                        : subject + " is isolated and no rule allows " + peer.displayName() + " on "
                        + connection.protocol() + "/" + connection.port());
            }
        }
        return String.join("; ", reasons);
    }

    private static String summary(Verdict verdict) {
        Outcome outcome = verdict.outcome();
        if (outcome == Outcome.ALLOWED) {
            return "allowed";
        }
        List<String> sides = new ArrayList<>();
        for (SideVerdict side : List.of(verdict.egress(), verdict.ingress())) {
            if (side.outcome() == outcome) {
                sides.add(side.direction().field() + " of " + side.subject().displayName());
            }
        }
        String word = outcome == Outcome.BLOCKED ? "blocked" : "undetermined";
        return word + " by the " + String.join(" and the ", sides);
    }

    private static List<String> side(SideVerdict side, Connection connection, Endpoint peer, NamespaceDirectory namespaces) {
        String subject = side.direction().field() + " of " + side.subject().displayName();
        List<String> lines = new ArrayList<>();
        lines.addAll(sideLines(side, connection, peer, namespaces, subject));
        if (!side.unevaluated().isEmpty()) {
            lines.add("  - and " + unevaluated(side));
        }
        return lines;
    }

    private static List<String> sideLines(SideVerdict side, Connection connection, Endpoint peer,
            NamespaceDirectory namespaces, String subject) {
        List<String> lines = new ArrayList<>();
        ClusterDecision cluster = side.cluster();
        if (side.decidedByClusterRule()) {
            lines.add("- " + subject + ": " + passes(cluster) + clusterRule(side, peer, connection));
            return lines;
        }
        if (cluster != null && cluster.tier() == Tier.DEFAULT) {
            lines.add("- " + subject + ": " + passes(cluster) + "no cluster-wide rule matches, and "
                    + whyNotIsolated(side));
            return lines;
        }
        if (!side.isolated()) {
            lines.add("- " + subject + ": " + whyNotIsolated(side));
            return lines;
        }
        if (cluster != null) {
            subject = subject + " (" + (cluster.passes().isEmpty() ? "no Admin rule matches"
                    : "after " + String.join(", then ", cluster.passes())) + "; NetworkPolicy decides)";
        }
        String isolating = String.join(", ", side.isolating().stream().map(CompiledPolicy::id).toList());
        if (side.outcome() == Outcome.ALLOWED) {
            lines.add("- " + subject + ": isolated by " + isolating + "; allowed by " + side.allowingPolicy().id() + " "
                    + side.allowingRule().path());
            return lines;
        }
        if (!side.leftOut().isEmpty()) {
            lines.add("- " + subject + ": isolated by " + isolating + "; its rules allow " + peer.displayName()
                    + " at some of its addresses but not at " + ranges(side.leftOut())
                    + " (a connection may use any of them, so each must be allowed)");
        } else if (side.outcome() == Outcome.UNDETERMINED) {
            lines.add("- " + subject + ": isolated by " + isolating + "; " + undetermined(side, peer));
        } else {
            lines.add("- " + subject + ": isolated by " + isolating + "; no " + side.direction().field()
                    + " rule allows " + peer.displayName() + " on " + connection.protocol() + "/" + connection.port());
        }
        for (CompiledPolicy policy : side.isolating()) {
            List<Rule> rules = policy.rules(side.direction());
            if (rules.isEmpty()) {
                lines.add("  - " + policy.id() + ": has no " + side.direction().field() + " rules (denies all "
                        + side.direction().field() + ")");
            }
            for (Rule rule : rules) {
                lines.add("  - " + policy.id() + " " + rule.path() + ": "
                        + ruleMismatch(rule, side.ranges(), connection, peer, namespaces));
            }
        }
        return lines;
    }

    private static String passes(ClusterDecision cluster) {
        return cluster.passes().isEmpty() ? "" : "after " + String.join(", then ", cluster.passes()) + ", ";
    }

    /** The cluster-wide rule that decides a side, and whether it matches for certain. */
    private static String clusterRule(SideVerdict side, Endpoint peer, Connection connection) {
        ClusterDecision cluster = side.cluster();
        String rule = cluster.describe();
        String traffic = peer.displayName() + " on " + connection.protocol() + "/" + connection.port();
        if (cluster.tiedWith() != null) {
            return rule + " matches " + traffic + ", and so does " + cluster.tiedWith()
                    + ", of the same tier and priority, which would decide otherwise (the API lets an implementation "
                    + "apply either first; give them different priorities)";
        }
        if (!cluster.ruleMayMatch()) {
            return rule + " matches " + traffic + " (" + cluster.tier().display() + " tier"
                    + (cluster.tier() == Tier.ADMIN ? ", before any NetworkPolicy)" : ", no NetworkPolicy isolates it)");
        }
        if (cluster.rule().unreadable() != null) {
            return rule + " cannot be read (" + cluster.rule().unreadable() + "), so it may match " + traffic;
        }
        if (cluster.rule().action() == null) {
            return rule + " has an action the guard does not know";
        }
        String why = peer.addresses().isEmpty() && !(peer instanceof ExternalEndpoint external && !external.ranges().isEmpty())
                ? "its peers depend on the address of " + peer.displayName() + ", which is not known"
                : "its peers match only part of " + peer.displayName() + ", or only by a name the guard cannot check";
        return rule + " may match " + traffic + ": " + why;
    }

    private static String unevaluated(SideVerdict side) {
        return String.join(", ", side.unevaluated()) + (side.unevaluated().size() == 1 ? " applies" : " apply")
                // a kind the guard may not list is evaluated but unread: "does not evaluate" would be wrong for it
                + " to it, and the guard cannot tell what " + (side.unevaluated().size() == 1 ? "it decides" : "they decide")
                + (side.outcome() == Outcome.BLOCKED ? " (it can only cut traffic, so this stays blocked)"
                        : " (it could decide this connection either way)");
    }

    /** Why a side can be neither allowed nor blocked. */
    private static String undetermined(SideVerdict side, Endpoint peer) {
        List<String> unreadable = new ArrayList<>();
        for (CompiledPolicy policy : side.isolating()) {
            policy.rules(side.direction()).stream().filter(r -> r.unreadable() != null)
                    .forEach(r -> unreadable.add(policy.id() + " " + r.path()));
        }
        if (!unreadable.isEmpty()) {
            return "no rule the guard can read allows it, and " + String.join(", ", unreadable)
                    + " cannot be read, so it could";
        }
        if (peer instanceof ExternalEndpoint external && !external.ranges().isEmpty()) {
            String range = ranges(external.ranges());
            String name = peer.displayName().contains(range) ? peer.displayName() : peer.displayName() + " (" + range + ")";
            return "ipBlock rules cover only part of " + name + ", and each of its addresses must be allowed";
        }
        String families = peer.addresses().isEmpty() ? " (it may be anywhere in " + ranges(side.ranges()) + ")" : "";
        return "only ipBlock rules could allow " + peer.displayName() + ", and its address is not known" + families;
    }

    static String ranges(List<Cidr> ranges) {
        return String.join(", ", ranges.stream().map(Cidr::toString).toList());
    }

    private static String whyNotIsolated(SideVerdict side) {
        if (side.subject() instanceof ExternalEndpoint) {
            return "outside the cluster's pods, not governed by NetworkPolicy";
        }
        PodEndpoint pod = (PodEndpoint) side.subject();
        if (pod.hostNetwork()) {
            return "runs in the host network, which NetworkPolicy does not isolate";
        }
        return "not isolated (no NetworkPolicy in namespace " + pod.namespace() + " selects it with policyType "
                + (side.direction() == Direction.INGRESS ? "Ingress" : "Egress") + ")";
    }

    private static String ruleMismatch(Rule rule, List<Cidr> ranges, Connection connection, Endpoint peer,
            NamespaceDirectory namespaces) {
        if (rule.unreadable() != null) {
            return "cannot be read (" + rule.unreadable() + "); it could allow this connection";
        }
        List<String> reasons = new ArrayList<>();
        if (!rule.portMatches(connection.destination(), connection.port(), connection.protocol())) {
            List<String> ports = new ArrayList<>();
            for (PortMatch port : rule.ports()) {
                ports.add(port.mismatch(connection.destination(), connection.port(), connection.protocol()));
            }
            reasons.add("port does not match (" + String.join("; ", ports) + ")");
        }
        Outcome peerOutcome = rule.peerMatch(peer, ranges, namespaces);
        String alternatives = String.join(" or ", rule.peers().stream().map(Peer::describe).toList());
        if (peerOutcome == Outcome.UNDETERMINED && peer.addresses().isEmpty()
                && !(peer instanceof ExternalEndpoint external && !external.ranges().isEmpty())) {
            reasons.add("peer depends on the address of " + peer.displayName() + ", which is not known (" + alternatives + ")");
        } else if (peerOutcome == Outcome.UNDETERMINED) {
            reasons.add("peer matches only part of " + peer.displayName() + " (" + alternatives + ")");
        } else if (peerOutcome == Outcome.BLOCKED) {
            List<String> peers = new ArrayList<>();
            for (Peer candidate : rule.peers()) {
                peers.add(peerMismatch(candidate, peer, namespaces));
            }
            reasons.add("peer does not match (" + String.join("; ", peers) + ")");
        }
        if (reasons.isEmpty()) {
            return "matches";
        }
        return String.join(", and ", reasons);
    }

    private static String peerMismatch(Peer candidate, Endpoint peer, NamespaceDirectory namespaces) {
        String name = peer.displayName();
        if (candidate instanceof Peer.Pods pods) {
            return podsMismatch(pods, peer, namespaces);
        }
        Peer.IpBlock block = (Peer.IpBlock) candidate;
        List<String> inExcept = new ArrayList<>();
        for (InetAddress address : peer.addresses()) {
            if (block.cidr().contains(address)) {
                inExcept.add(address.getHostAddress());
            }
        }
        if (!inExcept.isEmpty()) {
            return "allows " + block.describe() + ", and " + name + " at " + String.join(", ", inExcept)
                    + " is in an except range";
        }
        return "allows " + block.describe() + ", and " + name + " is outside it";
    }

    private static String podsMismatch(Peer.Pods pods, Endpoint peer, NamespaceDirectory namespaces) {
        String allows = "allows " + pods.describe();
        if (!(peer instanceof PodEndpoint pod)) {
            return allows + ", and " + peer.displayName() + " is not a pod";
        }
        if (pod.hostNetwork()) {
            return allows + ", and " + pod.displayName() + " runs in the host network, which selectors never match";
        }
        if (pods.namespaceSelector() == null && !pod.namespace().equals(pods.policyNamespace())) {
            return allows + ", and " + pod.displayName() + " is in namespace " + pod.namespace();
        }
        if (pods.namespaceSelector() != null && !pods.namespaceSelector().matches(namespaces.labelsOf(pod.namespace()))) {
            return allows + ", and namespace " + pod.namespace() + " has labels " + namespaces.labelsOf(pod.namespace());
        }
        return allows + ", and " + pod.displayName() + " has labels " + pod.labels();
    }
}
