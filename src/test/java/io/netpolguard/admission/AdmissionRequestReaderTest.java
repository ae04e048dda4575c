package io.netpolguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpolguard.cluster.Change;
import io.netpolguard.scenario.Scenarios;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** admission.k8s.io/v1 AdmissionReview requests as API servers send them, and the ways they can be wrong. */
class AdmissionRequestReaderTest {

    private static AdmissionRequest read(String json) {
        return AdmissionRequestReader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private static AdmissionRequest scenario(String name) throws Exception {
        return AdmissionRequestReader.read(Files.readAllBytes(Scenarios.root().resolve(name).resolve("request.json")));
    }

    private static String review(String kind, String operation, String rest) {
        return """
                {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
                  "uid": "u-1", "kind": %s, "operation": "%s"%s}}""".formatted(kind, operation, rest);
    }

    private static final String NETPOL = "{\"group\": \"networking.k8s.io\", \"version\": \"v1\", \"kind\": \"NetworkPolicy\"}";
    private static final String NAMESPACE = "{\"group\": \"\", \"version\": \"v1\", \"kind\": \"Namespace\"}";
    private static final String DYNAKUBE = "{\"group\": \"dynatrace.com\", \"version\": \"v1beta6\", \"kind\": \"DynaKube\"}";
    private static final String POLICY = """
            {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
             "metadata": {"name": "p", "namespace": "dynatrace"}, "spec": {"podSelector": {}}}""";

    @Test
    void theExampleDeleteIsAPolicyChangeWithTheOldObject() throws Exception {
        AdmissionRequest request = AdmissionRequestReader.read(
                Files.readAllBytes(Path.of("k8s/examples/requests/delete-allow-dns.json")));
        assertThat(request.uid()).isEqualTo("0df28fbd-5f5f-11e8-bc74-36e6bb280816");
        assertThat(request.describe()).isEqualTo("DELETE NetworkPolicy dynatrace/allow-dns");
        assertThat(request.dryRun()).isFalse();
        assertThat(request.change()).isInstanceOfSatisfying(Change.PolicyChange.class, change -> {
            assertThat(change.operation()).isEqualTo(Change.Operation.DELETE);
            assertThat(change.object()).isNull();
            assertThat(change.oldObject().getSpec().getEgress()).hasSize(1);
            assertThat(change.subject()).isSameAs(change.oldObject());
        });
    }

    @Test
    void anUpdateCarriesBothObjectsAndTheNewOneCountsForExemptions() throws Exception {
        AdmissionRequest request = scenario("exempt-policy-update");
        Change.PolicyChange change = (Change.PolicyChange) request.change();
        assertThat(change.operation()).isEqualTo(Change.Operation.UPDATE);
        assertThat(change.object()).isNotNull();
        assertThat(change.oldObject()).isNotNull();
        assertThat(change.annotations()).containsEntry("netpol-guard.io/exempt", "TCP DNS is not used here");
    }

    @Test
    void dryRunIsRead() throws Exception {
        assertThat(scenario("dry-run-delete").dryRun()).isTrue();
    }

    @Test
    void aDynaKubeOfAnyVersionIsADynatraceChangeInTheRequestNamespace() throws Exception {
        AdmissionRequest request = scenario("dynakube-v1beta1-create");
        assertThat(request.change()).isInstanceOfSatisfying(Change.DynatraceChange.class, change -> {
            assertThat(change.kind()).isEqualTo("DynaKube");
            assertThat(change.namespace()).isEqualTo("dynatrace");
            assertThat(change.object().getApiVersion()).isEqualTo("dynatrace.com/v1beta1");
        });
        AdmissionRequest noNamespace = read(review(DYNAKUBE, "CREATE", """
                , "namespace": "dt", "object": {"apiVersion": "dynatrace.com/v1beta6", "kind": "DynaKube",
                  "metadata": {"name": "dk"}, "spec": {}}"""));
        Change.DynatraceChange change = (Change.DynatraceChange) noNamespace.change();
        assertThat(change.object().getMetadata().getNamespace()).isEqualTo("dt");
        assertThat(change.name()).isEqualTo("dk");
    }

    @Test
    void anEdgeConnectIsADynatraceChange() throws Exception {
        assertThat(scenario("edgeconnect-v1alpha1-create").change()).isInstanceOfSatisfying(Change.DynatraceChange.class,
                change -> assertThat(change.kind()).isEqualTo("EdgeConnect"));
    }

    @Test
    void aNamespaceLabelUpdateIsANamespaceChange() throws Exception {
        AdmissionRequest request = scenario("namespace-label-removed");
        assertThat(request.change()).isInstanceOfSatisfying(Change.NamespaceChange.class, change -> {
            assertThat(change.name()).isEqualTo("kube-system");
            assertThat(change.namespace()).isNull();
        });
    }

    @Test
    void aNamespaceUpdateWithTheSameLabelsIsSkipped() throws Exception {
        AdmissionRequest request = scenario("namespace-annotation-only");
        assertThat(request.change()).isNull();
        assertThat(request.skipReason()).isEqualTo("the namespace's labels did not change");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "namespace-create-not-checked | only Namespace UPDATE is checked",
        "dynakube-delete-not-checked | deleting a DynaKube removes flows, it cannot block one",
        "kind-not-checked | ConfigMap is not checked",
    })
    void requestsTheGuardDoesNotJudgeAreSkippedWithAReason(String scenario, String reason) throws Exception {
        AdmissionRequest request = scenario(scenario);
        assertThat(request.change()).isNull();
        assertThat(request.unreadable()).isNull();
        assertThat(request.skipReason()).isEqualTo(reason);
    }

    @Test
    void otherOperationsAreSkipped() {
        AdmissionRequest request = read(review(NETPOL, "CONNECT", ", \"namespace\": \"x\", \"name\": \"p\""));
        assertThat(request.change()).isNull();
        assertThat(request.skipReason()).isEqualTo("operation CONNECT is not checked");
    }

    @Test
    void theNameComesFromTheObjectWhenTheRequestHasNone() {
        AdmissionRequest request = read(review(NETPOL, "CREATE", ", \"namespace\": \"dynatrace\", \"object\": " + POLICY));
        assertThat(request.name()).isEqualTo("p");
        assertThat(((Change.PolicyChange) request.change()).name()).isEqualTo("p");
    }

    @Test
    void aNetworkPolicyWithoutRequestNamespaceIsInDefault() {
        AdmissionRequest request = read(review(NETPOL, "CREATE", ", \"name\": \"p\", \"object\": " + POLICY));
        assertThat(request.change().namespace()).isEqualTo("default");
    }

    @Test
    void anObjectThatIsNotANetworkPolicyIsUnreadableNotAnError() throws Exception {
        AdmissionRequest request = scenario("unreadable-networkpolicy");
        assertThat(request.change()).isNull();
        assertThat(request.unreadable()).startsWith("request.object cannot be read as NetworkPolicy");
    }

    @Test
    void aMissingObjectIsUnreadable() {
        AdmissionRequest request = read(review(NETPOL, "CREATE", ", \"namespace\": \"x\", \"name\": \"p\", \"object\": null"));
        assertThat(request.unreadable()).isEqualTo("request.object is missing");
        AdmissionRequest namespace = read(review(NAMESPACE, "UPDATE", ", \"name\": \"x\", \"object\": {\"kind\": \"Namespace\"}"));
        assertThat(namespace.unreadable()).isEqualTo("request.object has no metadata");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1, 2]", "\"text\""})
    void aBodyThatIsNotAJsonObjectIsABadRequest(String body) {
        assertThatThrownBy(() -> read(body)).isInstanceOf(BadAdmissionReviewException.class)
                .hasMessageStartingWith("body is not");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"apiVersion\": \"admission.k8s.io/v1beta1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \"u\"}} | expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got admission.k8s.io/v1beta1 AdmissionReview",
        "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"NetworkPolicy\"} | expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got networking.k8s.io/v1 NetworkPolicy",
        "{} | got no apiVersion and no kind",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\"} | AdmissionReview has no request",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \" \"}} | AdmissionReview request has no uid",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {}} | AdmissionReview request has no uid",
    })
    void aJsonObjectThatIsNotAnAdmissionReviewRequestIsABadRequest(String body, String message) {
        assertThatThrownBy(() -> read(body)).isInstanceOf(BadAdmissionReviewException.class).hasMessageContaining(message);
    }

    @Test
    void everyScenarioRequestIsAValidAdmissionReview() {
        Scenarios.all().forEach(s -> assertThat(AdmissionRequestReader.read(s.request()).uid()).as(s.name())
                .isEqualTo(s.uid()).isNotBlank());
    }
}
