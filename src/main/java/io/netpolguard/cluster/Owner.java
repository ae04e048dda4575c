package io.netpolguard.cluster;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.Optional;

/** The controller that owns an object, from its {@code metadata.ownerReferences}: a ReplicaSet, a Job, a Deployment. */
public record Owner(String kind, String name) {

    /** The owner marked {@code controller: true}, else the only owner; empty when there is none or several. */
    public static Optional<Owner> of(ObjectMeta meta) {
        List<OwnerReference> references = meta == null ? null : meta.getOwnerReferences();
        if (references == null || references.isEmpty()) {
            return Optional.empty();
        }
        OwnerReference chosen = references.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst()
                .orElse(references.size() == 1 ? references.get(0) : null);
        if (chosen == null || chosen.getKind() == null || chosen.getName() == null || chosen.getName().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Owner(chosen.getKind(), chosen.getName()));
    }

    /** How owned objects are keyed: {@code namespace/Kind/name} of the owned object. */
    public static String key(String namespace, String kind, String name) {
        return namespace + "/" + kind + "/" + name;
    }
}
