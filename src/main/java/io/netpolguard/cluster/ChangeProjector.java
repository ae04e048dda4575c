package io.netpolguard.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.netpolguard.netpol.ClusterPolicy;
import io.netpolguard.netpol.ClusterPolicyCompiler;
import io.netpolguard.netpol.PolicyCompiler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the after-state of a change as a new snapshot that shares everything the change does not
 * touch: a policy change recompiles one policy and rebuilds one namespace's policy list.
 */
public final class ChangeProjector {

    private ChangeProjector() {
    }

    /** @throws io.netpolguard.netpol.InvalidPolicyException when the new policy cannot be understood */
    public static ClusterSnapshot apply(ClusterSnapshot before, Change change) {
        if (change instanceof Change.PolicyChange policy) {
            return before.withPolicies(policy.operation() == Change.Operation.DELETE
                    ? before.policies().withoutPolicy(policy.namespace(), policy.name())
                    : before.policies().withPolicy(PolicyCompiler.compile(policy.object())));
        }
        if (change instanceof Change.ClusterPolicyChange cluster) {
            return before.withClusterPolicies(cluster.operation() == Change.Operation.DELETE
                    ? before.clusterPolicies().without(cluster.policyKind(), cluster.name())
                    : before.clusterPolicies().with(compile(cluster)));
        }
        if (change instanceof Change.NamespaceChange namespace) {
            Map<String, NamespaceInfo> namespaces = new HashMap<>(before.namespaces());
            if (namespace.operation() == Change.Operation.DELETE) {
                namespaces.remove(namespace.name());
            } else {
                var meta = namespace.object().getMetadata();
                NamespaceInfo info = NamespaceInfo.of(namespace.name(), meta.getLabels(), meta.getAnnotations());
                namespaces.put(info.name(), info);
            }
            return before.withNamespaces(namespaces);
        }
        Change.DynatraceChange dynatrace = (Change.DynatraceChange) change;
        boolean dynaKube = "DynaKube".equals(dynatrace.kind());
        List<GenericKubernetesResource> objects = new ArrayList<>(dynaKube ? before.dynaKubes() : before.edgeConnects());
        objects.removeIf(o -> dynatrace.name().equals(o.getMetadata().getName())
                && dynatrace.namespace().equals(namespaceOf(o)));
        if (dynatrace.operation() != Change.Operation.DELETE) {
            objects.add(dynatrace.object());
        }
        return dynaKube ? before.withDynatrace(objects, before.edgeConnects())
                : before.withDynatrace(before.dynaKubes(), objects);
    }

    /** The changed cluster-wide policy as the guard reads it (with what it cannot read in its problems). */
    public static ClusterPolicy compile(Change.ClusterPolicyChange change) {
        return ClusterPolicyCompiler.compile(change.policyKind(), Manifests.JSON.valueToTree(change.object()));
    }

    private static String namespaceOf(GenericKubernetesResource resource) {
        return resource.getMetadata().getNamespace() == null ? "default" : resource.getMetadata().getNamespace();
    }
}
