package io.netpolguard.netpol;

/** The labels of each namespace, for namespaceSelectors. */
@FunctionalInterface
public interface NamespaceDirectory {

    /**
     * The namespace's labels, including {@code kubernetes.io/metadata.name}, which the API server
     * sets on every namespace. An unknown namespace has only that label.
     */
    LabelSet labelsOf(String namespace);
}
