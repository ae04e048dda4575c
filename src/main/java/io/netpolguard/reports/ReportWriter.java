package io.netpolguard.reports;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Brings the cluster's reports in line with one audit: lists the reports labelled as managed by netpol-guard (one
 * request per kind), creates the missing ones, updates in place those whose content changed (one request each; nothing
 * is written for a report that already says the same), and deletes the managed ones no longer wanted. Reports of other tools are never touched. Every write first asks
 * {@code stillLeader}, so a replica that lost its Lease in the middle writes nothing more.
 */
public final class ReportWriter {
    private final KubernetesClient client;

    public ReportWriter(KubernetesClient client) {
        this.client = client;
    }

    /** The API server does not serve the reports: their CRDs are not installed. */
    public static final class NotInstalledException extends RuntimeException {
        NotInstalledException() {
            super("the PolicyReport CRDs (policyreports.wgpolicyk8s.io and clusterpolicyreports.wgpolicyk8s.io, version "
                    + ReportObjects.VERSION + ") are not installed");
        }
    }

    /** What one publish did. */
    public record Outcome(int created, int updated, int unchanged, int deleted) {
    }

    public Outcome write(List<Report> reports, String writer, BooleanSupplier stillLeader) {
        Map<String, GenericKubernetesResource> existing = new HashMap<>();
        for (ResourceDefinitionContext context : List.of(ReportObjects.POLICY_REPORTS, ReportObjects.CLUSTER_POLICY_REPORTS)) {
            var all = client.genericKubernetesResources(context);
            var managed = context.isNamespaceScoped() ? all.inAnyNamespace().withLabel(ReportObjects.MANAGED_BY,
                    ReportObjects.NAME) : all.withLabel(ReportObjects.MANAGED_BY, ReportObjects.NAME);
            List<GenericKubernetesResource> items;
            try {
                items = managed.list().getItems();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    throw new NotInstalledException();
                }
                throw e;
            }
            for (GenericKubernetesResource report : items) {
                if (ReportObjects.NAME.equals(report.getMetadata().getName())) {
                    existing.put(key(context, report.getMetadata().getNamespace()), report);
                }
            }
        }
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        for (Report report : reports) {
            ResourceDefinitionContext context = ReportObjects.contextOf(report);
            GenericKubernetesResource desired = ReportObjects.toResource(report, writer);
            GenericKubernetesResource current = existing.remove(key(context, report.namespace()));
            if (current != null && ReportObjects.sameContent(current, desired)) {
                unchanged++;
                continue;
            }
            if (!stillLeader.getAsBoolean()) {
                return new Outcome(created, updated, unchanged, 0);
            }
            if (current == null) {
                client.genericKubernetesResources(context).resource(desired).create();
                created++;
            } else {
                client.genericKubernetesResources(context).resource(updated(current, desired)).update();
                updated++;
            }
        }
        int deleted = 0;
        for (GenericKubernetesResource stale : existing.values()) {
            if (!stillLeader.getAsBoolean()) {
                break;
            }
            String namespace = stale.getMetadata().getNamespace();
            if (namespace == null) {
                client.genericKubernetesResources(ReportObjects.CLUSTER_POLICY_REPORTS).withName(ReportObjects.NAME).delete();
            } else {
                client.genericKubernetesResources(ReportObjects.POLICY_REPORTS).inNamespace(namespace)
                        .withName(ReportObjects.NAME).delete();
            }
            deleted++;
        }
        return new Outcome(created, updated, unchanged, deleted);
    }

    /**
     * {@code desired} with the metadata of {@code current} (its resourceVersion: the update fails rather than overwrite
     * a change made since it was listed; labels and annotations others added stay), plus the guard's label and writer.
     */
    private static GenericKubernetesResource updated(GenericKubernetesResource current, GenericKubernetesResource desired) {
        var metadata = new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(current.getMetadata()).withManagedFields()
                .addToLabels(desired.getMetadata().getLabels()).addToAnnotations(desired.getMetadata().getAnnotations())
                .build();
        desired.setMetadata(metadata);
        return desired;
    }

    private static String key(ResourceDefinitionContext context, String namespace) {
        return context.getKind() + "/" + (namespace == null ? "" : namespace);
    }
}
