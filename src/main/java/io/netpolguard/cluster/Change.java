package io.netpolguard.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.netpol.ClusterPolicyKind;
import java.util.Map;

/** A change an admission request asks about. {@code object} is null on DELETE, {@code oldObject} on CREATE. */
public sealed interface Change permits Change.PolicyChange, Change.NamespaceChange, Change.DynatraceChange,
        Change.ClusterPolicyChange {

    enum Operation { CREATE, UPDATE, DELETE }

    Operation operation();

    String kind();

    String namespace();

    String name();

    /** The object whose annotations count for exemptions: the new one, or the old one on DELETE. */
    HasMetadata subject();

    default String describe() {
        return operation().name() + " " + kind() + " " + (namespace() == null ? name() : namespace() + "/" + name());
    }

    default Map<String, String> annotations() {
        HasMetadata subject = subject();
        if (subject == null || subject.getMetadata() == null || subject.getMetadata().getAnnotations() == null) {
            return Map.of();
        }
        return subject.getMetadata().getAnnotations();
    }

    record PolicyChange(Operation operation, String namespace, String name, NetworkPolicy object,
            NetworkPolicy oldObject) implements Change {
        @Override
        public String kind() {
            return "NetworkPolicy";
        }

        @Override
        public HasMetadata subject() {
            return object != null ? object : oldObject;
        }
    }

    record NamespaceChange(Operation operation, String name, Namespace object, Namespace oldObject) implements Change {
        @Override
        public String kind() {
            return "Namespace";
        }

        @Override
        public String namespace() {
            return null;
        }

        @Override
        public HasMetadata subject() {
            return object != null ? object : oldObject;
        }
    }

    /** A DynaKube or EdgeConnect change, any version. */
    record DynatraceChange(Operation operation, String kind, String namespace, String name,
            GenericKubernetesResource object, GenericKubernetesResource oldObject) implements Change {
        @Override
        public HasMetadata subject() {
            return object != null ? object : oldObject;
        }
    }

    /** A ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy change: cluster-scoped. */
    record ClusterPolicyChange(Operation operation, ClusterPolicyKind policyKind, String name,
            GenericKubernetesResource object, GenericKubernetesResource oldObject) implements Change {
        @Override
        public String kind() {
            return policyKind.kind();
        }

        @Override
        public String namespace() {
            return null;
        }

        @Override
        public HasMetadata subject() {
            return object != null ? object : oldObject;
        }
    }
}
