package io.netpolguard.connectivity;

import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.ClusterPolicies;
import io.netpolguard.netpol.ClusterPolicy;
import io.netpolguard.netpol.ClusterRule;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Peer;
import io.netpolguard.netpol.PolicySet;
import io.netpolguard.netpol.PortMatch;
import io.netpolguard.netpol.Rule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the policies of a cluster can tell pods apart by: the pod label keys their selectors look at, the port names
 * they use, the CIDRs of their ipBlocks, and whether a cluster-wide rule names nodes.
 */
record PolicyFootprint(Set<String> podLabelKeys, Set<String> portNames, Set<Cidr> cidrs, boolean nodePeers) {

    /** The same, cutting the address space at {@code all} instead. */
    PolicyFootprint withCidrs(Set<Cidr> all) {
        return new PolicyFootprint(podLabelKeys, portNames, all, nodePeers);
    }

    static PolicyFootprint of(PolicySet policies, ClusterPolicies clusterPolicies) {
        Set<String> keys = new HashSet<>();
        Set<String> names = new HashSet<>();
        Set<Cidr> cidrs = new LinkedHashSet<>();
        boolean[] nodes = {false};
        for (CompiledPolicy policy : policies.all()) {
            keys.addAll(policy.podSelector().keys());
            List<Rule> rules = new ArrayList<>(policy.ingress());
            rules.addAll(policy.egress());
            for (Rule rule : rules) {
                rule.peers().forEach(peer -> peer(peer, keys, cidrs, nodes));
                rule.ports().forEach(port -> port(port, names));
            }
        }
        for (ClusterPolicy policy : clusterPolicies.all()) {
            if (policy.subjectPods() != null) {
                keys.addAll(policy.subjectPods().keys());
            }
            List<ClusterRule> rules = new ArrayList<>(policy.ingress());
            rules.addAll(policy.egress());
            for (ClusterRule rule : rules) {
                rule.peers().forEach(peer -> peer(peer, keys, cidrs, nodes));
                rule.ports().forEach(port -> port(port, names));
            }
        }
        return new PolicyFootprint(Set.copyOf(keys), Set.copyOf(names), cidrs, nodes[0]);
    }

    private static void peer(Peer peer, Set<String> keys, Set<Cidr> cidrs, boolean[] nodes) {
        if (peer instanceof Peer.Pods pods && pods.podSelector() != null) {
            keys.addAll(pods.podSelector().keys());
        } else if (peer instanceof Peer.IpBlock block) {
            cidrs.add(block.cidr());
            cidrs.addAll(block.except());
        } else if (peer instanceof Peer.Nodes) {
            nodes[0] = true;
        }
    }

    private static void port(PortMatch port, Set<String> names) {
        if (port.name() != null) {
            names.add(port.name());
        }
    }
}
