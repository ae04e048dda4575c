package io.netpolguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.scenario.Scenario;
import io.netpolguard.scenario.Scenarios;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protocol around the judgement: uid, allowed, status, warnings, audit annotations, and the decision log fields. */
class AdmissionHandlerTest {

    private static AdmissionHandler.Outcome handle(String name) {
        Scenario scenario = Scenarios.named(name);
        return new AdmissionHandler(scenario.guard()).handle(AdmissionRequestReader.read(scenario.request()),
                scenario.snapshot());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> response(AdmissionHandler.Outcome outcome) {
        assertThat(outcome.response()).containsEntry("apiVersion", "admission.k8s.io/v1").containsEntry("kind", "AdmissionReview");
        return (Map<String, Object>) outcome.response().get("response");
    }

    @Test
    void aDenialCarriesA403StatusAndTheBlockedFlows() {
        AdmissionHandler.Outcome outcome = handle("example-delete-allow-dns");
        assertThat(outcome.decision()).isEqualTo("deny");
        assertThat(outcome.blockedFlows()).containsExactly("activegate->kube-dns", "csi-driver->kube-dns",
                "operator->kube-dns", "webhook->kube-dns");
        Map<String, Object> response = response(outcome);
        assertThat(response).containsEntry("uid", "0df28fbd-5f5f-11e8-bc74-36e6bb280816").containsEntry("allowed", false);
        assertThat((Map<String, Object>) response.get("status")).containsEntry("code", 403).containsEntry("reason", "Forbidden")
                .extractingByKey("message").asString().startsWith("netpol-guard denied DELETE NetworkPolicy dynatrace/allow-dns");
        assertThat(response).doesNotContainKey("warnings");
    }

    @Test
    void aSkippedRequestIsAllowedWithoutWarnings() {
        AdmissionHandler.Outcome outcome = handle("kind-not-checked");
        assertThat(outcome.decision()).isEqualTo("allow");
        assertThat(outcome.blockedFlows()).isEmpty();
        assertThat(outcome.request().skipReason()).isEqualTo("ConfigMap is not checked");
        assertThat(response(outcome)).containsEntry("allowed", true).doesNotContainKeys("warnings", "status")
                .containsEntry("auditAnnotations", Map.of("decision", "allow"));
    }

    @Test
    void anUnreadableRequestIsAllowedWithAWarning() {
        AdmissionHandler.Outcome outcome = handle("unreadable-networkpolicy");
        assertThat(outcome.decision()).isEqualTo("warn");
        Map<String, Object> response = response(outcome);
        assertThat(response).containsEntry("allowed", true);
        assertThat((List<String>) response.get("warnings")).singleElement().asString()
                .startsWith("netpol-guard could not read this NetworkPolicy and did not check it: request.object");
    }

    @Test
    void aWarningRequestReportsTheBlockedFlowsForTheDecisionLog() {
        AdmissionHandler.Outcome outcome = handle("monitored-apps-to-activegate-blocked");
        assertThat(outcome.decision()).isEqualTo("warn");
        assertThat(outcome.blockedFlows()).containsExactly("monitored-apps->activegate");
        assertThat(response(outcome)).containsEntry("allowed", true);
    }
}
