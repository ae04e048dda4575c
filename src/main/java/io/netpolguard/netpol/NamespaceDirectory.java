package io.netpolguard.netpol;

import java.net.InetAddress;

/** The labels of each namespace, for namespaceSelectors, and of each node, for cluster-wide node peers. */
@FunctionalInterface
public interface NamespaceDirectory {

    /**
     * The namespace's labels, including {@code kubernetes.io/metadata.name}, which the API server
     * sets on every namespace. An unknown namespace has only that label.
     */
    LabelSet labelsOf(String namespace);

    /** Whether the Nodes of the cluster are known; when not, no address can be said to be a node's or not. */
    default boolean nodesKnown() {
        return false;
    }

    /** The labels of the Node with this address, or null when no known Node has it. */
    default LabelSet nodeLabelsAt(InetAddress address) {
        return null;
    }

    /** Whether a Node whose labels match has an address inside {@code range}. */
    default boolean anyNodeIn(Cidr range, Selector selector) {
        return false;
    }
}
