package io.netpolguard.cli;

import static io.netpolguard.cli.CheckCommandTest.path;
import static io.netpolguard.cli.CheckCommandTest.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpolguard.cli.CheckCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} on clusters where the Dynatrace Operator does not run in {@code dynatrace}: the guard finds
 * it where its pods run (else where its DynaKubes are), and a configured namespace that holds no operator pod
 * while another namespace does is a reported problem, never a silent "allowed" (issue 10 §4).
 *
 * <p>The base is the example cluster installed by Helm into {@code observability}
 * ({@code scenarios/_base/operator-in-observability}); {@link #UDP_DNS_FORGOTTEN} breaks its DNS policy so that
 * judging the operator in the wrong namespace would show as "allowed".
 */
class FindingTheOperatorTest {
    private static final String OBSERVABILITY = "_base/operator-in-observability";

    /** The namespace's DNS policy with UDP forgotten: every pod in observability loses DNS over UDP. */
    private static final String UDP_DNS_FORGOTTEN = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-dns, namespace: observability}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
                  podSelector: {matchLabels: {k8s-app: kube-dns}}
                ports: [{protocol: TCP, port: 53}]
            """;

    @TempDir
    Path temp;

    @Test
    void theOperatorIsJudgedWhereItsPodsRun() throws IOException {
        Run run = Run.run(args(OBSERVABILITY, write("dns.yaml", UDP_DNS_FORGOTTEN)));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(statuses(run.json())).containsEntry("operator->kube-dns", "blocked")
                .containsEntry("webhook->kube-dns", "blocked").containsEntry("operator->kube-apiserver", "allowed");
        assertThat(flow(run.json(), "operator->kube-dns").path("explanation").asText())
                .contains("observability/Deployment/dynatrace-operator", "isolated by observability/default-deny",
                        "observability/allow-dns");
        assertThat(run.json().path("problems")).isEmpty();
    }

    @Test
    void withoutOperatorPodsTheDynaKubesSayWhereTheOperatorRuns() throws IOException {
        // A platform team's GitOps directory: the operator is installed by Helm from elsewhere; here are only its
        // namespace, the DynaKube and the namespace's policies.
        String cluster = write("gitops.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: observability
                  labels: {kubernetes.io/metadata.name: observability}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: kube-system}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: coredns-7db6d8ff4d-x2v9q
                  namespace: kube-system
                  labels: {k8s-app: kube-dns}
                spec:
                  containers:
                  - name: coredns
                    ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53, protocol: TCP}]
                status: {podIP: 10.244.0.10}
                ---
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata: {name: dynakube, namespace: observability}
                spec:
                  apiUrl: https://abc12345.live.dynatrace.com/api
                  activeGate: {capabilities: [routing]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: observability}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                """);
        Run run = Run.run(args(cluster));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(statuses(run.json())).containsEntry("operator->kube-dns", "blocked")
                .containsEntry("webhook->kube-dns", "blocked");
        assertThat(flow(run.json(), "operator->kube-dns").path("explanation").asText())
                .contains("observability/", "isolated by observability/default-deny");
        assertThat(run.json().path("problems")).isEmpty();
    }

    @Test
    void aConfiguredNamespaceWithoutTheOperatorIsAProblemAndTheFlowsAreJudgedWhereItRuns() throws IOException {
        String dns = write("dns.yaml", UDP_DNS_FORGOTTEN);
        Run json = Run.configured(Map.of("netpol-guard.operator.namespace", "dynatrace"),
                args(OBSERVABILITY, dns).toArray(String[]::new));

        assertThat(json.exitCode()).as(json.err()).isEqualTo(1);
        assertThat(statuses(json.json())).containsEntry("operator->kube-dns", "blocked");
        assertThat(json.json().path("problems")).singleElement().extracting(JsonNode::asText)
                .isEqualTo("netpol-guard.operator.namespace is dynatrace, but the Dynatrace Operator's pods run in "
                        + "observability; judging the flows in observability (set netpol-guard.operator.namespace="
                        + "observability or leave it unset to find it)");

        List<String> text = new ArrayList<>(args(OBSERVABILITY, dns));
        text.removeAll(List.of("--output", "json"));
        Run table = Run.configured(Map.of("netpol-guard.operator.namespace", "dynatrace"), text.toArray(String[]::new));
        assertThat(table.out()).contains("- netpol-guard.operator.namespace is dynatrace, but the Dynatrace Operator's "
                + "pods run in observability");
    }

    @Test
    void aConfiguredNamespaceThatHoldsTheOperatorIsNoProblem() throws IOException {
        Run run = Run.configured(Map.of("netpol-guard.operator.namespace", "observability"),
                args(OBSERVABILITY, write("dns.yaml", UDP_DNS_FORGOTTEN)).toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(statuses(run.json())).containsEntry("operator->kube-dns", "blocked");
        assertThat(run.json().path("problems")).isEmpty();
    }

    @Test
    void operatorPodsInTwoNamespacesAreAProblemAndTheOneWithTheDynaKubeIsJudged() throws IOException {
        // an older install left behind in "dynatrace"; the DynaKube lives in observability
        String leftover = write("leftover.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: dynatrace
                  labels: {kubernetes.io/metadata.name: dynatrace}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: dynatrace-operator, namespace: dynatrace}
                spec:
                  selector: {matchLabels: {app.kubernetes.io/name: dynatrace-operator, app.kubernetes.io/component: operator}}
                  template:
                    metadata:
                      labels: {app.kubernetes.io/name: dynatrace-operator, app.kubernetes.io/component: operator}
                    spec:
                      containers:
                      - name: operator
                        image: public.ecr.aws/dynatrace/dynatrace-operator:v1.9.0
                """);
        Run run = Run.run(args(OBSERVABILITY, write("dns.yaml", UDP_DNS_FORGOTTEN), leftover));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(statuses(run.json())).containsEntry("operator->kube-dns", "blocked");
        assertThat(run.json().path("problems")).singleElement().extracting(JsonNode::asText)
                .isEqualTo("Dynatrace Operator pods run in several namespaces (dynatrace, observability); judging the "
                        + "flows in observability (set netpol-guard.operator.namespace to choose)");
    }

    @Test
    void aClusterWithWorkloadsButNoOperatorIsBadInput() throws IOException {
        // the path of the shop team's manifests instead of the platform's: pods and policies, no operator
        String shop = write("shop.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: checkout, namespace: shop}
                spec:
                  selector: {matchLabels: {app: checkout}}
                  template:
                    metadata: {labels: {app: checkout}}
                    spec:
                      containers: [{name: checkout, image: example.com/shop/checkout:1.4}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                """);
        Run run = Run.run("check", "--cluster", shop, "--no-dns");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: no Dynatrace Operator in " + shop + ": no pods with the operator's or its "
                + "webhook's labels, no DynaKube or EdgeConnect, and no netpol-guard pods (is the path right?)"
                + System.lineSeparator());
    }

    private static List<String> args(String base, String... more) {
        List<String> args = new ArrayList<>(List.of("check", "--output", "json", "--no-dns",
                "--host", "abc12345.live.dynatrace.com=203.0.113.10", "--cluster", base.startsWith("_") ? path(base) : base));
        for (String cluster : more) {
            args.addAll(List.of("--cluster", cluster));
        }
        return args;
    }

    private String write(String name, String yaml) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(name.replace(".yaml", "")));
        return Files.writeString(dir.resolve(name), yaml).toString();
    }

    private static JsonNode flow(JsonNode json, String id) {
        for (JsonNode flow : json.path("flows")) {
            if (flow.path("id").asText().equals(id)) {
                return flow;
            }
        }
        throw new AssertionError("no flow " + id + " in " + json.toPrettyString());
    }
}
