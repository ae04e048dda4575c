package io.netpolguard.netpol;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decisions of the NetworkPolicy tier shared between peers that the isolating policies cannot tell apart. The
 * rules of a pod's isolating policies look only at some namespace and pod label keys, at addresses when they
 * have an ipBlock, and at port names of the destination when they name ports; peers equal in those are one
 * class, judged once. A change in a namespace every monitored application talks to then costs one judgement per
 * class instead of one per connection. Bounded.
 *
 * <p>A decision depends on nothing but what its key holds: the isolating policies (by identity: compiled policies
 * never change), the peer's class, the port and protocol, the destination's ports when rules name ports. Engines of
 * the snapshots a change makes from another (the after-state of every change judged) therefore share the
 * decisions already made ({@link DecisionMemory}), as long as an unknown address means the same address families.
 */
final class PeerClasses {
    private static final int LIMIT = 50_000;

    private final NamespaceDirectory namespaces;
    private final List<Cidr> unknownAddress;
    private final DecisionMemory memory;

    /** @param shared the memory of a related engine, or null */
    PeerClasses(NamespaceDirectory namespaces, List<Cidr> unknownAddress, DecisionMemory shared) {
        this.namespaces = namespaces;
        this.unknownAddress = unknownAddress;
        this.memory = shared != null && shared.unknownAddress().equals(unknownAddress) ? shared
                : new DecisionMemory(unknownAddress);
    }

    DecisionMemory memory() {
        return memory;
    }

    /** The outcome of the NetworkPolicy tier for one side and what decided it; {@code leftOut} as in SideVerdict. */
    record Decision(Outcome outcome, CompiledPolicy allowingPolicy, Rule allowingRule, List<Cidr> leftOut) {
    }

    /**
     * What the rules of some isolating policies look at in a peer, with the projections of label sets onto those keys
     * made so far (the same label sets come back with every connection of their pods); those of namespaces shared with
     * other views of the same keys.
     */
    private record View(Set<String> namespaceKeys, Set<String> podKeys, boolean addresses, List<Cidr> ipBlocks,
            boolean namedPorts, boolean shareable, Map<LabelSet, LabelSet> namespaceProjections,
            Map<LabelSet, LabelSet> podProjections, DecisionMemory memory) {
        private static final int PROJECTIONS = 100_000;

        /** @param memory where the view and the decisions made through it are kept */
        View(Set<String> namespaceKeys, Set<String> podKeys, List<Cidr> ipBlocks, boolean namedPorts, boolean shareable,
                DecisionMemory memory) {
            this(namespaceKeys, podKeys, !ipBlocks.isEmpty() || !shareable, ipBlocks, namedPorts, shareable,
                    memory.namespaceProjectionsOnto(namespaceKeys), new ConcurrentHashMap<>(), memory);
        }

        LabelSet namespaceClass(LabelSet labels) {
            return project(namespaceProjections, labels, namespaceKeys);
        }

        LabelSet podClass(LabelSet labels) {
            return podKeys.isEmpty() ? LabelSet.EMPTY : project(podProjections, labels, podKeys);
        }

        private static LabelSet project(Map<LabelSet, LabelSet> made, LabelSet labels, Set<String> keys) {
            LabelSet projected = made.get(labels);
            if (projected == null) {
                projected = labels.project(keys);
                if (made.size() < PROJECTIONS) {
                    made.put(labels, projected);
                }
            }
            return projected;
        }
    }

    /** An isolating policy list compared by identity: selections are cached, so equal lists are the same object. */
    private record Isolating(List<CompiledPolicy> policies, Direction direction) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Isolating o && o.policies == policies && o.direction == direction;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(policies) * 31 + direction.hashCode();
        }
    }

    private record PodPeer(boolean sameNamespace, LabelSet namespaceLabels, LabelSet podLabels, Object addresses) {
    }

    private record OtherPeer(Object ranges) {
    }

    private record Key(Isolating isolating, Object peer, int port, Protocol protocol, Object destinationPorts) {
    }

    private static final Object NOT_LOOKED_AT = new Object();
    private static final Object NOT_A_POD = new Object();
    /** An address that is not known is judged apart from ranges that happen to be equal to its families. */
    private static final Object UNKNOWN_ADDRESS = new Object();

    /**
     * The decision for {@code peer} at {@code subject} (a pod, not in the host network, in {@code isolating}'s
     * namespace), from {@code judge} the first time its class is seen.
     */
    Decision decide(List<CompiledPolicy> isolating, Direction direction, PodEndpoint subject, Endpoint peer,
            java.util.function.Supplier<List<Cidr>> ranges, Connection connection,
            java.util.function.Supplier<Decision> judge) {
        Isolating policies = new Isolating(isolating, direction);
        View view = view(policies);
        if (!view.shareable()) {
            return judge.get();
        }
        Key key = new Key(policies, peerClass(view, subject, peer, ranges), connection.port(), connection.protocol(),
                view.namedPorts() ? portsOf(connection.destination()) : NOT_LOOKED_AT);
        Map<Object, Decision> decisions = view.memory().decisions();
        Decision decision = decisions.get(key);
        if (decision == null) {
            decision = judge.get();
            if (decisions.size() >= LIMIT) {
                decisions.clear();
                view.memory().views().clear();
            }
            decisions.put(key, decision);
        }
        return decision;
    }

    /**
     * The ipBlock ranges of the rules of {@code isolating} when those rules decide every peer that is a pod (not in the
     * host network) whose addresses are known and outside all of these ranges by its namespace, the port and the
     * protocol alone (empty when the rules have no ipBlock); null when they look at more: pod labels or port names.
     */
    List<Cidr> podsByNamespaceOutside(List<CompiledPolicy> isolating, Direction direction) {
        View view = view(new Isolating(isolating, direction));
        return view.shareable() && view.podKeys().isEmpty() && !view.namedPorts() ? view.ipBlocks() : null;
    }

    /**
     * The labels of a namespace that the rules of {@code isolating} look at (its labels projected onto the keys of
     * their namespaceSelectors), for any namespace: where {@link #podsByNamespaceOutside} holds, peers of namespaces with equal classes
     * share one decision.
     */
    java.util.function.Function<String, LabelSet> namespaceClasses(List<CompiledPolicy> isolating, Direction direction) {
        View view = view(new Isolating(isolating, direction));
        return view.namespaceKeys().isEmpty() ? namespace -> LabelSet.EMPTY
                : namespace -> view.namespaceClass(labelsOf(namespace));
    }

    private LabelSet labelsOf(String namespace) {
        return Objects.requireNonNullElse(namespaces.labelsOf(namespace), LabelSet.EMPTY);
    }

    /** What the rules of {@code policies} look at, made once per isolating list. */
    private View view(Isolating policies) {
        Object made = memory.views().get(policies); // a plain read first: computeIfAbsent may lock the bin
        if (made == null && memory.shared() != null) { // a list the shared memory has seen: decided there
            made = memory.shared().views().get(policies);
        }
        return made != null ? (View) made : (View) memory.views().computeIfAbsent(policies,
                p -> viewOf(((Isolating) p).policies(), ((Isolating) p).direction(), memory));
    }

    private Object peerClass(View view, PodEndpoint subject, Endpoint peer,
            java.util.function.Supplier<List<Cidr>> peerRanges) {
        List<Cidr> ranges = view.addresses() ? peerRanges.get() : null;
        Object addresses = !view.addresses() ? NOT_LOOKED_AT : ranges == unknownAddress ? UNKNOWN_ADDRESS : ranges;
        if (peer instanceof PodEndpoint pod && !pod.hostNetwork()) {
            LabelSet namespaceLabels = view.namespaceKeys().isEmpty() ? LabelSet.EMPTY
                    : view.namespaceClass(labelsOf(pod.namespace()));
            return new PodPeer(pod.namespace().equals(subject.namespace()), namespaceLabels, view.podClass(pod.labels()),
                    addresses);
        }
        return new OtherPeer(addresses);
    }

    private static Object portsOf(Endpoint destination) {
        return destination instanceof PodEndpoint pod ? pod.ports() : NOT_A_POD;
    }

    /** Not shareable when a rule has a peer that looks at more than labels and addresses (never in a NetworkPolicy). */
    private static View viewOf(List<CompiledPolicy> isolating, Direction direction, DecisionMemory memory) {
        Set<String> namespaceKeys = new HashSet<>();
        Set<String> podKeys = new HashSet<>();
        List<Cidr> ipBlocks = new java.util.ArrayList<>();
        boolean namedPorts = false;
        for (CompiledPolicy policy : isolating) {
            for (Rule rule : policy.rules(direction)) {
                if (rule.unreadable() != null) {
                    continue;
                }
                namedPorts |= rule.ports().stream().anyMatch(p -> p.name() != null);
                for (Peer peer : rule.peers()) {
                    if (peer instanceof Peer.Pods pods) {
                        if (pods.podSelector() != null) {
                            podKeys.addAll(pods.podSelector().keys());
                        }
                        if (pods.namespaceSelector() != null) {
                            namespaceKeys.addAll(pods.namespaceSelector().keys());
                        }
                    } else if (peer instanceof Peer.IpBlock block) {
                        ipBlocks.add(block.cidr());
                    } else {
                        return new View(Set.of(), Set.of(), List.of(), true, false, memory);
                    }
                }
            }
        }
        return new View(Set.copyOf(namespaceKeys), Set.copyOf(podKeys), List.copyOf(ipBlocks), namedPorts, true, memory);
    }
}
