package io.netpolguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.scenario.Scenario;
import io.netpolguard.scenario.Scenarios;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** {@code netpol-guard review}: prints the AdmissionReview response; exit 0 allowed, 1 denied, 2 bad input. */
class ReviewCommandTest {
    private static final Path EXAMPLE_REQUEST = Path.of("k8s/examples/requests/delete-allow-dns.json");

    @TempDir
    Path temp;

    private static CheckCommandTest.Run review(Path request, String... more) {
        List<String> args = new ArrayList<>(List.of("review", "--cluster", Scenarios.root().resolve("_base/example").toString(),
                "--request", request.toString(), "--no-dns", "--host", "abc12345.live.dynatrace.com=203.0.113.10"));
        args.addAll(List.of(more));
        return CheckCommandTest.Run.run(args);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(temp.resolve(name), content);
    }

    @Test
    void aDeniedRequestPrintsTheResponseAndExitsOne() {
        CheckCommandTest.Run run = review(EXAMPLE_REQUEST);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEmpty();
        JsonNode review = run.json();
        assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
        JsonNode response = review.path("response");
        assertThat(response.path("uid").asText()).isEqualTo("0df28fbd-5f5f-11e8-bc74-36e6bb280816");
        assertThat(response.path("allowed").asBoolean(true)).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(response.path("auditAnnotations").path("blocked-flows").asText())
                .isEqualTo("activegate->kube-dns,csi-driver->kube-dns,operator->kube-dns,webhook->kube-dns");
    }

    @Test
    void anAllowedRequestExitsZero() {
        CheckCommandTest.Run run = review(Scenarios.named("example-delete-shop-ingress-deny").requestFile());
        assertThat(run.exitCode()).isZero();
        assertThat(run.json().path("response").path("allowed").asBoolean(false)).isTrue();
        assertThat(run.json().path("response").path("auditAnnotations").path("decision").asText()).isEqualTo("allow");
    }

    @Test
    void aYamlRequestIsReadLikeJson() throws IOException {
        JsonNode request = Manifests.JSON.readTree(EXAMPLE_REQUEST.toFile());
        Path yaml = write("request.yaml", new YAMLMapper().writeValueAsString(request));
        CheckCommandTest.Run fromYaml = review(yaml);
        assertThat(fromYaml.exitCode()).isEqualTo(1);
        assertThat(fromYaml.json()).isEqualTo(review(EXAMPLE_REQUEST).json());
    }

    @Test
    void aRequestThatIsNotJsonIsBadInput() throws IOException {
        Path request = write("request.json", "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": ");
        CheckCommandTest.Run run = review(request);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: " + request).contains("not valid YAML or JSON");
    }

    @Test
    void aRequestThatIsNotAnAdmissionReviewIsBadInput() throws IOException {
        Path request = write("policy.json", """
                {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "p"}, "spec": {}}""");
        CheckCommandTest.Run run = review(request);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: " + request + ": expected apiVersion admission.k8s.io/v1 and kind "
                + "AdmissionReview, got networking.k8s.io/v1 NetworkPolicy" + System.lineSeparator());
    }

    @Test
    void aRequestWithoutUidIsBadInput() throws IOException {
        String example = Files.readString(EXAMPLE_REQUEST).replace("\"uid\": \"0df28fbd-5f5f-11e8-bc74-36e6bb280816\",", "");
        Path request = write("no-uid.json", example);
        CheckCommandTest.Run run = review(request);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: " + request + ": AdmissionReview request has no uid" + System.lineSeparator());
    }

    @Test
    void aMissingOrMultiDocumentRequestIsBadInput() throws IOException {
        CheckCommandTest.Run missing = review(temp.resolve("absent.json"));
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("absent.json: no such request file");
        String example = Files.readString(EXAMPLE_REQUEST);
        Path two = write("two.yaml", example + "\n---\n" + example);
        CheckCommandTest.Run twoDocs = review(two);
        assertThat(twoDocs.exitCode()).isEqualTo(2);
        assertThat(twoDocs.err()).contains("expected one AdmissionReview, found 2 documents");
    }

    @Test
    void aMissingClusterIsBadInput() {
        CheckCommandTest.Run run = CheckCommandTest.Run.run("review", "--cluster", temp.resolve("nowhere").toString(), "--request",
                EXAMPLE_REQUEST.toString(), "--no-dns");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no such file or directory");
    }

    /** The command answers every scenario it can reproduce exactly as the expectation says. */
    @TestFactory
    Stream<DynamicTest> scenarios() {
        List<Scenario> scenarios = Scenarios.all().stream().filter(Scenario::reproducibleByCli).toList();
        assertThat(scenarios).hasSizeGreaterThan(80);
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            List<String> args = new ArrayList<>(List.of("review", "--request", s.requestFile().toString()));
            args.addAll(s.cliArguments());
            CheckCommandTest.Run run = CheckCommandTest.Run.run(args);
            assertThat(run.err()).isEmpty();
            s.expectation().assertReview(run.json(), s.uid());
            assertThat(run.exitCode()).isEqualTo(s.expectation().allowed() ? 0 : 1);
        }));
    }
}
