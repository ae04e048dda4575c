package io.netpolguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpolguard.cli.CheckCommandTest.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code check --cluster A --diff B}: the manifests of B applied on top of the example cluster A (same kind, namespace
 * and name replaces, new objects add, the delete annotation deletes), and the required flows whose status or
 * explanation changes. Exit 1 only when a critical flow becomes blocked, as the webhook would deny.
 */
class CheckDiffTest {
    private static final String EXAMPLE = "k8s/examples/cluster";
    private static final String FIXTURES = "src/test/resources/check/";
    private static final List<String> HOSTS = List.of("--no-dns", "--host", "abc12345.live.dynatrace.com=203.0.113.10");
    private static final List<String> KUBE_DNS_FLOWS = List.of("operator->kube-dns", "webhook->kube-dns",
            "csi-driver->kube-dns", "activegate->kube-dns (DynaKube dynatrace/dynakube)");

    private static Run check(List<String> clusters, String diff, String... more) {
        List<String> args = new ArrayList<>(List.of("check"));
        clusters.forEach(c -> args.addAll(List.of("--cluster", c)));
        args.addAll(List.of("--diff", diff));
        args.addAll(HOSTS);
        args.addAll(List.of(more));
        return Run.run(args);
    }

    /** flow (owner) -> "change before->after" */
    private static Map<String, String> changes(JsonNode json) {
        Map<String, String> changes = new LinkedHashMap<>();
        json.path("changes").forEach(c -> changes.put(c.path("owner").asText().isEmpty() ? c.path("id").asText()
                : c.path("id").asText() + " (" + c.path("owner").asText() + ")", c.path("change").asText() + " "
                + c.path("before").asText() + "->" + c.path("after").asText()));
        return changes;
    }

    @Test
    void deletingThePolicyThatAllowsDnsBlocksFourCriticalFlowsAndExitsOne() {
        Run run = check(List.of(EXAMPLE), FIXTURES + "delete-allow-dns");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(CommandLines.EXIT_FINDINGS);
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).matches("FLOW +FOR +SEVERITY +BEFORE +AFTER +CHANGE");
        assertThat(lines).anyMatch(l -> l.matches("operator->kube-dns +- +critical +allowed +blocked +blocked"))
                .anyMatch(l -> l.matches("activegate->kube-dns +DynaKube dynatrace/dynakube +critical +allowed +blocked +blocked"));
        assertThat(run.out()).contains("operator->kube-dns (critical): blocked", "name: allow-operator-to-kube-dns-egress");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("4 flows changed: 4 blocked");

        Run json = check(List.of(EXAMPLE), FIXTURES + "delete-allow-dns", "--output", "json");
        assertThat(json.exitCode()).isEqualTo(CommandLines.EXIT_FINDINGS);
        Map<String, String> expected = new LinkedHashMap<>();
        KUBE_DNS_FLOWS.forEach(flow -> expected.put(flow, "blocked allowed->blocked"));
        assertThat(changes(json.json())).isEqualTo(expected);
        assertThat(json.json().path("summary").toString()).isEqualTo("{\"blocked\":4}");
        assertThat(json.json().path("changes").path(0).path("severity").asText()).isEqualTo("critical");
        assertThat(json.json().path("changes").path(0).path("explanation").asText())
                .contains("isolated by dynatrace/default-deny");
    }

    @Test
    void replacingAPolicyByNameAndNamespaceIsWhatKubectlApplyWouldDo() {
        Run run = check(List.of(EXAMPLE), FIXTURES + "dns-to-node-local-cache", "--output", "json");

        assertThat(run.exitCode()).isEqualTo(CommandLines.EXIT_FINDINGS);
        assertThat(changes(run.json()).keySet()).containsExactlyElementsOf(KUBE_DNS_FLOWS);
        assertThat(run.json().path("changes").path(0).path("explanation").asText()).contains("k8s-app=node-local-dns");
    }

    @Test
    void theSameManifestsChangeNothing() {
        Run run = check(List.of(EXAMPLE), EXAMPLE);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("No required flow changes." + System.lineSeparator() + System.lineSeparator()
                + "0 flows changed" + System.lineSeparator());
    }

    @Test
    void restoringThePolicyUnblocksAndExitsZero() {
        Run run = check(List.of(EXAMPLE, FIXTURES + "dns-to-node-local-cache"), EXAMPLE + "/40-network-policies.yaml",
                "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, String> expected = new LinkedHashMap<>();
        KUBE_DNS_FLOWS.forEach(flow -> expected.put(flow, "unblocked blocked->allowed"));
        assertThat(changes(run.json())).isEqualTo(expected);
        assertThat(run.json().path("changes").path(0).has("explanation")).as("nothing to explain once allowed").isFalse();
    }

    @Test
    void aFlowStillBlockedForAnotherReasonIsListedAsReasonChanged() {
        Run run = check(List.of(EXAMPLE, FIXTURES + "dns-to-node-local-cache"), FIXTURES + "dns-udp-only", "--output", "json");

        assertThat(run.exitCode()).as("nothing newly blocked").isZero();
        Map<String, String> expected = new LinkedHashMap<>();
        KUBE_DNS_FLOWS.forEach(flow -> expected.put(flow, "reason-changed blocked->blocked"));
        assertThat(changes(run.json())).isEqualTo(expected);
        assertThat(run.json().path("changes").path(0).path("explanation").asText())
                .contains("kube-system/coredns-7db6d8ff4d-x2v9q on TCP/53").doesNotContain("on UDP/53:");
    }

    @Test
    void aPolicyOfAKindTheGuardDoesNotEvaluateMakesFlowsUnverifiable() {
        Run run = check(List.of(EXAMPLE), FIXTURES + "cilium-in-dynatrace", "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, String> changes = changes(run.json());
        assertThat(changes).containsEntry("operator->kube-dns", "unverifiable allowed->unverifiable")
                .containsEntry("operator->kube-apiserver", "unverifiable allowed->unverifiable");
        assertThat(changes.values()).allMatch(c -> c.equals("unverifiable allowed->unverifiable"));
        JsonNode first = run.json().path("changes").path(0);
        assertThat(first.path("reason").asText()).contains("CiliumNetworkPolicy dynatrace/l7-visibility");
        assertThat(run.json().path("problems").toString()).contains("CiliumNetworkPolicy dynatrace/l7-visibility");
    }

    @Test
    void aWarningFlowThatBecomesBlockedIsListedButDoesNotFail() {
        Run run = check(List.of(EXAMPLE), FIXTURES + "delete-apps-to-activegate", "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(changes(run.json())).containsEntry("monitored-apps->activegate (DynaKube dynatrace/dynakube)",
                "blocked allowed->blocked");
        assertThat(run.json().path("changes").path(0).path("severity").asText()).isEqualTo("warning");
    }

    @Test
    void deletingAnObjectTheClusterDoesNotHaveIsBadInput() {
        Run run = check(List.of(EXAMPLE), FIXTURES + "delete-missing-policy");

        assertThat(run.exitCode()).isEqualTo(CommandLines.EXIT_BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).singleElement().asString().startsWith("error: ")
                .contains("allow-metrics.yaml", "NetworkPolicy dynatrace/allow-metrics", "netpol-guard.io/delete");
    }

    @Test
    void sarifAndJunitDescribeOneClusterNotADiff() {
        Run run = check(List.of(EXAMPLE), FIXTURES + "delete-allow-dns", "--output", "sarif");

        assertThat(run.exitCode()).isEqualTo(CommandLines.EXIT_BAD_INPUT);
        assertThat(run.err()).isEqualTo("error: --output sarif lists findings of one cluster; with --diff use text or json"
                + System.lineSeparator());
    }
}
