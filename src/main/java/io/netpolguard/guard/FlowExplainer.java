package io.netpolguard.guard;

import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.FlowEnd;
import io.netpolguard.dynatrace.PeerKind;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.Peer;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.Rule;
import io.netpolguard.netpol.SideVerdict;
import io.netpolguard.netpol.Verdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes what a person needs to fix a flow: the flow, its ends, the isolating policy, why no rule
 * matches, hints for common mistakes, and a minimal NetworkPolicy that would allow it.
 */
public final class FlowExplainer {
    private static final int MAX_WARNING = 256;

    private final InetAddress apiServerClusterIp;
    private final GuardSettings settings;

    /** @param apiServerClusterIp the ClusterIP of Service default/kubernetes, for the Service-port hint (may be null) */
    public FlowExplainer(InetAddress apiServerClusterIp) {
        this(apiServerClusterIp, GuardSettings.defaults());
    }

    /** @param settings for the severity a flow has after overrides */
    public FlowExplainer(InetAddress apiServerClusterIp, GuardSettings settings) {
        this.apiServerClusterIp = apiServerClusterIp;
        this.settings = settings;
    }

    /** One line: flow id, status and the first affected connection. */
    public String summary(FlowResult result) {
        StringBuilder line = new StringBuilder(result.flow().id()).append(": ").append(result.status().id());
        ConnectionResult first = firstNotAllowed(result);
        String reason = reason(result);
        if (reason != null) {
            line.append(" (").append(reason).append(')');
        }
        if (result.flow().unverifiableReason() == null && first != null && first.verdict() != null) {
            line.append(", ").append(first.connection().connection().describe());
            String isolating = isolatingPolicies(first.verdict());
            if (!isolating.isEmpty()) {
                line.append(" (isolated by ").append(isolating).append(')');
            }
        }
        if (!result.flow().owner().isEmpty()) {
            line.append(" [").append(result.flow().owner()).append(']');
        }
        return line.toString();
    }

    /**
     * Why an unverifiable flow cannot be verified, in one line (with what to do about an unresolved host); null for
     * any other status.
     */
    public static String reason(FlowResult result) {
        if (result.status() != FlowStatus.UNVERIFIABLE) {
            return null;
        }
        if (result.flow().unverifiableReason() != null) {
            return result.flow().unverifiableReason();
        }
        ConnectionResult first = firstNotAllowed(result);
        if (first == null || first.verdict() == null) {
            return null;
        }
        for (Endpoint end : List.of(first.connection().connection().destination(), first.connection().connection().source())) {
            if (end instanceof ExternalEndpoint external && external.unresolved()) {
                for (String note : result.flow().notes()) {
                    if (note.startsWith(external.host() + " ")) {
                        return note;
                    }
                }
            }
        }
        return first.verdict().reason();
    }

    /**
     * What blocks a flow when it is one side of its first blocked connection: flows with equal causes (the egress of
     * pods of one namespace, isolated by the same policies, towards the same peer) are fixed by one policy. Null
     * when both sides block or the flow is not blocked.
     */
    static Cause cause(FlowResult result) {
        ConnectionResult first = firstNotAllowed(result);
        if (first == null || first.status() != FlowStatus.BLOCKED || first.verdict() == null) {
            return null;
        }
        Verdict verdict = first.verdict();
        boolean egress = verdict.egress().outcome() == Outcome.BLOCKED;
        if (egress == (verdict.ingress().outcome() == Outcome.BLOCKED)) {
            return null;
        }
        Direction direction = egress ? Direction.EGRESS : Direction.INGRESS;
        SideVerdict side = verdict.side(direction);
        if (!(side.subject() instanceof PodEndpoint pod) || side.decidedByClusterRule()) {
            return null;
        }
        FlowEnd peer = egress ? first.connection().destination() : first.connection().source();
        return new Cause(direction, pod.namespace(), side.isolating().stream().map(CompiledPolicy::id).toList(),
                peer.role(), peer.endpoint());
    }

    /** See {@link #cause}. */
    record Cause(Direction direction, String namespace, List<String> isolating, String peerRole, Endpoint peer) {
    }

    /** Several flows blocked for one cause: said once, with the first flow's explanation and one policy for all. */
    String explainTogether(List<FlowResult> results) {
        Cause cause = cause(results.get(0));
        List<String> lines = new ArrayList<>();
        lines.add(String.join(", ", results.stream().map(r -> r.flow().id()
                + (r.flow().owner().isEmpty() ? "" : " (" + r.flow().owner() + ")")).toList())
                + " (" + String.join(", ", results.stream().map(r -> settings.severity(r.flow().id(),
                        r.flow().definition().severity()).id()).distinct().toList())
                + "): blocked, all for one reason:");
        lines.add("  the " + cause.direction().field() + " of their pods in namespace " + cause.namespace()
                + " is isolated by " + String.join(", ", cause.isolating()) + ", and no rule allows "
                + cause.peer().displayName() + " (" + cause.peerRole() + "); for example:");
        ConnectionResult first = firstNotAllowed(results.get(0));
        Verdict verdict = first.verdict();
        lines.add("  " + verdict.connection().describe() + ":");
        verdict.explanation().lines().forEach(l -> lines.add("    " + l));
        serviceTranslationHint(results.get(0), verdict).ifPresent(h -> lines.add("  note: " + h));
        List<FlowConnection> connections = results.stream().map(r -> firstNotAllowed(r).connection()).toList();
        lines.add("  fix: one NetworkPolicy like this would allow them all:");
        FixSuggestion.policy(results, connections, cause.direction(), FixSuggestion.Style.ONE_LINE).lines()
                .forEach(l -> lines.add("    " + l));
        return String.join("\n", lines);
    }

    /** A warning line: starts with the flow id, at most 256 characters. */
    public static String warning(String text) {
        return text.length() <= MAX_WARNING ? text : text.substring(0, MAX_WARNING - 1) + "…";
    }

    /** The full explanation, several lines, with a fix (block YAML) when the flow is blocked. */
    public String explain(FlowResult result) {
        return explain(result, FixSuggestion.Style.YAML);
    }

    /** The same, with each fix on one line: for admission messages, which kubectl prints whole. */
    public String explainBriefly(FlowResult result) {
        return explain(result, FixSuggestion.Style.ONE_LINE);
    }

    private String explain(FlowResult result, FixSuggestion.Style style) {
        List<String> lines = new ArrayList<>();
        String owner = result.flow().owner().isEmpty() ? "" : " for " + result.flow().owner();
        lines.add(result.flow().id() + " (" + settings.severity(result.flow().id(), result.flow().definition().severity()).id()
                + ")" + owner + ": "
                + result.status().id());
        if (result.flow().unverifiableReason() != null) {
            lines.add("  " + result.flow().unverifiableReason());
        }
        ConnectionResult first = firstNotAllowed(result);
        if (first != null && first.verdict() != null) {
            Verdict verdict = first.verdict();
            lines.add("  " + verdict.connection().describe() + ":");
            verdict.explanation().lines().forEach(l -> lines.add("    " + l));
            serviceTranslationHint(result, verdict).ifPresent(h -> lines.add("  note: " + h));
            int others = result.countWithStatus(first.status());
            if (others > 1) {
                lines.add("  " + (others - 1) + " more connection(s) of this flow are " + first.status().id() + ": "
                        + String.join("; ", result.withStatus(first.status(), 4).stream().skip(1)
                                .map(c -> c.connection().connection().describe()).toList())
                        + (others > 4 ? "; ..." : ""));
            }
            if (first.status() == FlowStatus.BLOCKED) {
                List<Direction> byNetworkPolicy = new ArrayList<>();
                for (Direction direction : List.of(Direction.EGRESS, Direction.INGRESS)) {
                    SideVerdict side = verdict.side(direction);
                    if (side.outcome() == Outcome.ALLOWED) {
                        continue;
                    }
                    if (side.decidedByClusterRule()) {
                        lines.addAll(ClusterFixSuggestion.lines(result.flow(), first.connection(), side));
                    } else {
                        byNetworkPolicy.add(direction);
                    }
                }
                if (!byNetworkPolicy.isEmpty()) {
                    lines.add("  fix: a NetworkPolicy like this would allow it:");
                }
                for (Direction direction : byNetworkPolicy) {
                    FixSuggestion.policy(result.flow(), direction, first.connection().source(),
                            first.connection().destination(), style).lines().forEach(l -> lines.add("    " + l));
                    if (style == FixSuggestion.Style.YAML) {
                        lines.add("    ---");
                    }
                }
                if (style == FixSuggestion.Style.YAML && !byNetworkPolicy.isEmpty()) {
                    lines.remove(lines.size() - 1);
                }
            }
        } else if (result.status() == FlowStatus.NOT_APPLICABLE && !result.connections().isEmpty()) {
            lines.add("  a host-network pod is at one end; NetworkPolicy does not apply to it");
        }
        result.flow().notes().forEach(n -> lines.add("  note: " + n));
        return String.join("\n", lines);
    }

    private static ConnectionResult firstNotAllowed(FlowResult result) {
        return result.firstNotAllowed();
    }

    private static String isolatingPolicies(Verdict verdict) {
        List<String> ids = new ArrayList<>();
        for (SideVerdict side : List.of(verdict.egress(), verdict.ingress())) {
            if (side.outcome() != Outcome.ALLOWED) {
                ids.addAll(side.decidingPolicies());
            }
        }
        return String.join(", ", ids);
    }

    /**
     * A rule that allows the API server's Service port 443 or ClusterIP does not allow the flow:
     * policies apply after service address translation, to the endpoint address and port.
     */
    private Optional<String> serviceTranslationHint(FlowResult result, Verdict verdict) {
        if (!PeerKind.KUBE_APISERVER.id().equals(result.flow().definition().to())
                || verdict.egress().outcome() == Outcome.ALLOWED
                || !(verdict.connection().destination() instanceof ExternalEndpoint endpoint)
                || endpoint.addresses().isEmpty()) {
            return Optional.empty();
        }
        String target = endpoint.addresses().get(0).getHostAddress() + ":" + verdict.connection().port();
        for (CompiledPolicy policy : verdict.egress().isolating()) {
            for (Rule rule : policy.egress()) {
                boolean allowsClusterIp = apiServerClusterIp != null && rule.peers().stream()
                        .anyMatch(p -> p instanceof Peer.IpBlock block && block.contains(apiServerClusterIp)
                                && !block.contains(endpoint.addresses().get(0)));
                // Only a rule aimed at the API server (its endpoint address, its ClusterIP, or every address)
                // makes the Service port a likely mistake; port 443 to the tenant is not one.
                boolean aimedAtApiServer = allowsClusterIp || rule.peers().isEmpty() || rule.peers().stream()
                        .anyMatch(p -> p instanceof Peer.IpBlock block && block.contains(endpoint.addresses().get(0)));
                boolean allowsServicePort = aimedAtApiServer && verdict.connection().port() != 443
                        && !rule.ports().isEmpty()
                        && rule.ports().stream().anyMatch(p -> p.name() == null && p.protocol() == Protocol.TCP
                                && 443 >= p.from() && 443 <= p.to());
                if (allowsServicePort || allowsClusterIp) {
                    String what = allowsServicePort && allowsClusterIp
                            ? "the Service port 443 and ClusterIP " + apiServerClusterIp.getHostAddress()
                            : allowsServicePort ? "the Service port 443" : "the ClusterIP " + apiServerClusterIp.getHostAddress();
                    return Optional.of(policy.id() + " " + rule.path() + " allows " + what
                            + " of Service default/kubernetes, but the API server endpoint is " + target
                            + ": NetworkPolicy is applied after service address translation, so allow the endpoint "
                            + "address and port instead");
                }
            }
        }
        return Optional.empty();
    }

}
