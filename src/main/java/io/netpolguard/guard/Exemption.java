package io.netpolguard.guard;

import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.NamespaceInfo;
import java.util.Optional;

/**
 * The exemption annotation ({@link GuardSettings#EXEMPT_ANNOTATION}) with a reason, on the changed object or
 * on its namespace (not for a Namespace change itself): it turns denials into warnings. A blank reason
 * does not count.
 */
final class Exemption {

    private Exemption() {
    }

    static Optional<String> of(Change change, ClusterSnapshot before) {
        String reason = change.annotations().get(GuardSettings.EXEMPT_ANNOTATION);
        if (reason != null && !reason.isBlank()) {
            return Optional.of(reason.trim());
        }
        if (change.namespace() == null) {
            // a Namespace or a cluster-wide policy: only the object itself can carry the exemption
            return Optional.empty();
        }
        reason = before.namespace(change.namespace()).map(NamespaceInfo::annotations)
                .map(a -> a.get(GuardSettings.EXEMPT_ANNOTATION)).orElse(null);
        return reason == null || reason.isBlank() ? Optional.empty() : Optional.of(reason.trim());
    }
}
