package io.netpolguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.fuzz.Judges;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 §5: the AdmissionReviews on which {@link AdmissionReviewFuzzTest} found the handler throwing (the server
 * would have allowed them with a warning that shows the exception). Each is a scenario request with the mutations
 * the fuzzer recorded, reduced to the ones that mattered, and is now judged like any other request.
 */
class HostileReviewTest {

    private static AdmissionHandler.Outcome judge(String scenario, Consumer<ObjectNode> mutation) throws IOException {
        ObjectNode review = (ObjectNode) Manifests.JSON.readTree(Files.readAllBytes(
                io.netpolguard.scenario.Scenarios.root().resolve(scenario).resolve("request.json")));
        mutation.accept((ObjectNode) review.get("request"));
        AdmissionRequest request = AdmissionRequestReader.read(Manifests.JSON.writeValueAsBytes(review));
        return Judges.handler().handle(request, Judges.snapshot());
    }

    @SuppressWarnings("unchecked")
    private static List<String> warnings(AdmissionHandler.Outcome outcome) {
        Object warnings = ((Map<String, Object>) outcome.response().get("response")).get("warnings");
        return warnings == null ? List.of() : (List<String>) warnings;
    }

    private static ObjectNode at(ObjectNode node, String... path) {
        ObjectNode here = node;
        for (String field : path) {
            here = (ObjectNode) here.get(field);
        }
        return here;
    }

    /** A DynaKube whose namespaceSelector.matchLabels is a string: the reader threw IllegalArgumentException. */
    @Test
    void aDynaKubeWithAnUnreadableNamespaceSelectorIsJudgedAndTheProblemIsShown() throws IOException {
        AdmissionHandler.Outcome outcome = judge("dynakube-update-unchanged", request -> {
            ObjectNode stack = at(request, "object", "spec", "oneAgent", "cloudNativeFullStack");
            stack.putObject("namespaceSelector").put("matchLabels", ",");
        });
        assertThat(outcome.decision()).isIn("allow", "warn", "deny");
        assertThat(String.join("\n", warnings(outcome)))
                .contains("spec.oneAgent.cloudNativeFullStack.namespaceSelector is not a label selector");
    }

    /** A ClusterNetworkPolicy whose first egress rule is a string: explaining the rule without an action threw. */
    @Test
    void aClusterNetworkPolicyRuleThatIsNotAnObjectIsJudged() throws IOException {
        AdmissionHandler.Outcome outcome = judge("cluster-network-policy-admin-deny-dns-blocked", request ->
                ((com.fasterxml.jackson.databind.node.ArrayNode) at(request, "object", "spec").get("egress"))
                        .set(0, TextNode.valueOf("not a rule")));
        assertThat(outcome.decision()).isIn("allow", "warn", "deny");
    }

    /** A BaselineAdminNetworkPolicy whose egress is an object: the compiler threw NullPointerException. */
    @Test
    void aBaselineAdminNetworkPolicyWhoseEgressIsAnObjectIsJudged() throws IOException {
        AdmissionHandler.Outcome outcome = judge("baseline-admin-network-policy-deny-dns-overridden-unblocked", request -> {
            ObjectNode spec = at(request, "object", "spec");
            ObjectNode egress = Manifests.JSON.createObjectNode();
            egress.set("app.kubernetes.io/created-by", spec.get("egress"));
            spec.set("egress", egress);
        });
        assertThat(outcome.decision()).isIn("allow", "warn", "deny");
    }

    /** A NetworkPolicy with {@code ports: [..., null]}: the compiler threw NullPointerException. */
    @Test
    void aNetworkPolicyWithANullPortIsJudged() throws IOException {
        AdmissionHandler.Outcome outcome = judge("operator-to-kube-dns-unblocked", request ->
                ((com.fasterxml.jackson.databind.node.ArrayNode) at(request, "object", "spec").get("egress").get(0)
                        .get("ports")).set(1, com.fasterxml.jackson.databind.node.NullNode.instance));
        assertThat(outcome.decision()).isIn("allow", "warn", "deny");
    }

    /** A Namespace whose new labels or annotations hold a null: LabelSet and NamespaceInfo threw. */
    @Test
    void aNamespaceWithNullLabelAndAnnotationValuesIsJudged() throws IOException {
        AdmissionHandler.Outcome labels = judge("namespace-annotation-only", request ->
                at(request, "object", "metadata", "labels").putNull("team"));
        assertThat(labels.decision()).isIn("allow", "warn", "deny");
        AdmissionHandler.Outcome annotations = judge("namespace-annotation-only", request -> {
            at(request, "object", "metadata", "labels").put("team", "other");
            at(request, "object", "metadata", "annotations").putNull("owner");
        });
        assertThat(annotations.decision()).isIn("allow", "warn", "deny");
    }
}
