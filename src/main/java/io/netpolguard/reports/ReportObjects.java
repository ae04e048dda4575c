package io.netpolguard.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link Report}s as wgpolicyk8s.io/v1alpha2 objects (there is no fabric8 model for them): PolicyReport and
 * ClusterPolicyReport {@code netpol-guard}, labelled as managed by netpol-guard and annotated with the replica that
 * wrote them.
 */
public final class ReportObjects {
    public static final String GROUP = "wgpolicyk8s.io";
    public static final String VERSION = "v1alpha2";
    /** The name of every report the guard writes. */
    public static final String NAME = "netpol-guard";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** The replica that wrote the report (its Lease identity). */
    public static final String WRITTEN_BY = "netpol-guard.io/written-by";
    static final ResourceDefinitionContext POLICY_REPORTS = context("PolicyReport", "policyreports", true);
    static final ResourceDefinitionContext CLUSTER_POLICY_REPORTS = context("ClusterPolicyReport", "clusterpolicyreports",
            false);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The fields besides metadata that the guard owns; equal fields mean there is nothing to write. */
    private static final List<String> CONTENT = List.of("scope", "results", "summary");

    private ReportObjects() {
    }

    private static ResourceDefinitionContext context(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(VERSION).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    static ResourceDefinitionContext contextOf(Report report) {
        return report.clusterWide() ? CLUSTER_POLICY_REPORTS : POLICY_REPORTS;
    }

    /** The object to apply for {@code report}, written by {@code writer}. */
    public static GenericKubernetesResource toResource(Report report, String writer) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(GROUP + "/" + VERSION);
        resource.setKind(report.clusterWide() ? "ClusterPolicyReport" : "PolicyReport");
        resource.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(report.namespace())
                .withLabels(Map.of(MANAGED_BY, NAME)).withAnnotations(Map.of(WRITTEN_BY, writer)).build());
        if (!report.clusterWide()) {
            resource.setAdditionalProperty("scope", Map.of("apiVersion", "v1", "kind", "Namespace", "name",
                    report.namespace()));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        report.results().forEach(r -> results.add(result(r)));
        resource.setAdditionalProperty("results", results);
        Map<String, Object> summary = new LinkedHashMap<>();
        report.summary().forEach((outcome, count) -> summary.put(outcome.id(), count));
        summary.put("skip", 0);
        resource.setAdditionalProperty("summary", summary);
        return resource;
    }

    private static Map<String, Object> result(ReportResult result) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("policy", ReportMapping.POLICY);
        map.put("rule", result.rule());
        map.put("category", ReportMapping.CATEGORY);
        map.put("result", result.outcome().id());
        map.put("severity", result.severity());
        map.put("message", result.message());
        map.put("source", ReportMapping.POLICY);
        map.put("scored", true);
        if (!result.properties().isEmpty()) {
            map.put("properties", new java.util.TreeMap<>(result.properties()));
        }
        if (!result.resources().isEmpty()) {
            map.put("resources", result.resources().stream().map(ReportObjects::reference).toList());
        }
        return map;
    }

    private static Map<String, String> reference(ObjectRef ref) {
        Map<String, String> map = new LinkedHashMap<>();
        if (!ref.apiVersion().isEmpty()) {
            map.put("apiVersion", ref.apiVersion());
        }
        map.put("kind", ref.kind());
        map.put("namespace", ref.namespace());
        map.put("name", ref.name());
        return map;
    }

    /** Whether {@code existing} already says what {@code desired} says (content, label and writer). */
    static boolean sameContent(GenericKubernetesResource existing, GenericKubernetesResource desired) {
        for (String field : CONTENT) {
            if (!Objects.equals(tree(existing.getAdditionalProperties().get(field)),
                    tree(desired.getAdditionalProperties().get(field)))) {
                return false;
            }
        }
        ObjectMeta have = existing.getMetadata();
        return NAME.equals(label(have, MANAGED_BY)) && Objects.equals(have.getAnnotations() == null ? null
                : have.getAnnotations().get(WRITTEN_BY), desired.getMetadata().getAnnotations().get(WRITTEN_BY));
    }

    private static JsonNode tree(Object value) {
        return value == null ? null : JSON.valueToTree(value);
    }

    private static String label(ObjectMeta metadata, String key) {
        return metadata.getLabels() == null ? null : metadata.getLabels().get(key);
    }
}
