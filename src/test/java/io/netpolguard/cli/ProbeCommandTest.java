package io.netpolguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpolguard.config.GuardFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code netpol-guard probe} against the x/y/z cluster ({@code manifests/xyz}) plus
 * {@code probe/cluster}: x/a accepts namespace y on TCP/80 and on UDP port serve-81-udp.
 */
class ProbeCommandTest {
    private static final String XYZ = resource("manifests/xyz");
    private static final String POLICIES = resource("probe/cluster");

    @TempDir
    Path temp;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = CommandLines.create(new NetpolGuardCommand(GuardFactory::withDefaults), null);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("probe"));
        all.addAll(List.of(args));
        int exitCode = commandLine.execute(all.toArray(String[]::new));
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static Run probe(String probes, String... more) {
        List<String> args = new ArrayList<>(List.of("--cluster", XYZ, "--cluster", POLICIES, "--probes", resource(probes)));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void jsonOutputIsAnArrayOfResultsInInputOrder() throws IOException {
        Run run = probe("probe/probes.yaml", "--output", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode results = new ObjectMapper().readTree(run.out());
        assertThat(results.isArray()).isTrue();
        assertThat(results).hasSize(5);
        List<String> fields = new ArrayList<>();
        results.get(0).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("from", "to", "port", "protocol", "allowed", "explanation");
        assertThat(results).extracting(r -> r.get("from").asText() + " -> " + r.get("to").asText() + " "
                + r.get("protocol").asText() + "/" + r.get("port").asText() + ": " + r.get("allowed").asBoolean())
                .containsExactly(
                        "y/b -> x/a TCP/80: true",
                        "z/c -> x/a TCP/80: false",
                        "y/c -> x/a UDP/serve-81-udp: true",
                        "x/a -> 192.0.2.10 TCP/443: true",
                        "192.0.2.10 -> x/a TCP/80: false");
        assertThat(results.get(0).get("port").isInt()).isTrue();
        assertThat(results.get(2).get("port").isTextual()).isTrue();
        assertThat(results.get(2).get("explanation").asText()).contains("allowed by x/allow-a ingress[0]");
        assertThat(results.get(1).get("explanation").asText()).startsWith("blocked by the ingress of x/a")
                .contains("x/allow-a ingress[0]: peer does not match");
    }

    /** The probes the README shows, against the cluster it names: both allowed, the second through Service kube-dns. */
    @Test
    void theReadmesProbesWorkOnTheExampleCluster() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("### `probe`"), readme.indexOf("### `check`"));
        assertThat(section).contains("bin/netpol-guard probe --cluster k8s/examples/cluster --probes\nprobes.yaml");
        String probes = section.substring(section.indexOf("```yaml\n") + 8, section.indexOf("```", section.indexOf("```yaml\n") + 8));
        Path file = Files.writeString(temp.resolve("probes.yaml"), probes);

        Run run = run("--cluster", "k8s/examples/cluster", "--probes", file.toString(), "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode results = new ObjectMapper().readTree(run.out());
        assertThat(results).extracting(r -> r.get("to").asText() + ": " + r.get("allowed").asBoolean()).containsExactly(
                "dynatrace/StatefulSet/dynakube-activegate: true", "10.96.0.10: true");
        assertThat(results.get(1).get("explanation").asText()).startsWith("10.96.0.10:53 is Service kube-system/kube-dns; ")
                .contains("kube-system/coredns-7db6d8ff4d-x2v9q");
    }

    @Test
    void aJsonProbesFileWorksToo() throws IOException {
        Run run = probe("probe/probes.json", "--output", "json");

        assertThat(run.exitCode()).isZero();
        JsonNode results = new ObjectMapper().readTree(run.out());
        assertThat(results).extracting(r -> r.get("from").asText() + " " + r.get("protocol").asText() + " "
                + r.get("allowed").asBoolean())
                .containsExactly("z/a SCTP false", "y/a TCP true", "x/b TCP true");
        assertThat(results.get(2).get("explanation").asText()).contains("itself");
    }

    @Test
    void probesSpreadOverSeveralDocumentsAreAllJudged() throws IOException {
        Run run = probe("probe/probes-in-documents.yaml", "--output", "json");

        assertThat(run.exitCode()).isZero();
        JsonNode results = new ObjectMapper().readTree(run.out());
        assertThat(results).extracting(r -> r.get("from").asText() + " -> " + r.get("to").asText() + ": "
                + r.get("allowed").asBoolean())
                .containsExactly("y/b -> x/a: true", "z/c -> x/a: false", "y/a -> x/a: false", "x/a -> 192.0.2.10: true");
    }

    @Test
    void aPodAddressStandsForThatPod() throws IOException {
        // 10.0.1.1 is x/a and fd00::2:2 is y/b: x/a's ingress policy applies, and y/b is matched as a pod of namespace y.
        Run run = probe("probe/pod-addresses.yaml", "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode results = new ObjectMapper().readTree(run.out());
        assertThat(results).extracting(r -> r.get("from").asText() + " -> " + r.get("to").asText() + " "
                + r.get("port").asText() + ": " + r.get("allowed").asBoolean())
                .containsExactly(
                        "z/c -> 10.0.1.1 80: false",
                        "fd00::2:2 -> x/a 80: true",
                        "y/c -> 10.0.1.1 serve-81-udp: true");
        assertThat(results.get(0).get("explanation").asText()).startsWith("blocked by the ingress of x/a");
    }

    @Test
    void probesNameWorkloadPodsAndAreTranslatedFromAServiceToItsEndpoints() throws IOException {
        Path cluster = temp.resolve("cluster.yaml");
        Files.writeString(cluster, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: checkout, namespace: shop}
                spec:
                  selector: {matchLabels: {app: checkout}}
                  template:
                    metadata: {labels: {app: checkout}}
                    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: cart, namespace: shop}
                spec:
                  selector: {matchLabels: {app: cart}}
                  template: {metadata: {labels: {app: cart}}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: checkout, namespace: shop}
                spec:
                  clusterIP: 10.96.5.5
                  selector: {app: checkout}
                  ports: [{port: 80, targetPort: http}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: checkout-ingress, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: checkout}}
                  ingress: [{from: [{podSelector: {matchLabels: {app: cart}}}], ports: [{port: 8080}]}]
                """);
        Path probes = temp.resolve("probes.yaml");
        Files.writeString(probes, """
                - {from: shop/cart, to: shop/Deployment/checkout, port: 8080}
                - {from: shop/StatefulSet/cart, to: shop/checkout, port: http}
                - {from: shop/cart, to: 10.96.5.5, port: 80}
                - {from: 192.0.2.1, to: 10.96.5.5, port: 80}
                """);

        Run run = run("--cluster", cluster.toString(), "--probes", probes.toString(), "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode results = new ObjectMapper().readTree(run.out());
        assertThat(results).extracting(r -> r.get("allowed").asBoolean()).containsExactly(true, true, true, false);
        assertThat(results.get(2).get("explanation").asText()).startsWith("10.96.5.5:80 is Service shop/checkout; "
                + "NetworkPolicy applies after service address translation").contains("shop/Deployment/checkout:8080");
        assertThat(results.get(3).get("explanation").asText()).contains("blocked by the ingress of shop/Deployment/checkout");
    }

    @Test
    void textOutputIsATableFollowedByTheReasonsForBlockedProbes() {
        Run run = probe("probe/probes.yaml");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.subList(0, 6)).containsExactly(
                "FROM        TO          PORT              VERDICT",
                "y/b         x/a         TCP/80            allowed",
                "z/c         x/a         TCP/80            blocked",
                "y/c         x/a         UDP/serve-81-udp  allowed",
                "x/a         192.0.2.10  TCP/443           allowed",
                "192.0.2.10  x/a         TCP/80            blocked");
        assertThat(lines.get(6)).isEmpty();
        assertThat(lines).contains("probe 2 z/c -> x/a:", "  blocked by the ingress of x/a", "probe 5 192.0.2.10 -> x/a:");
        assertThat(run.out()).doesNotContain("probe 1 ").doesNotContain("probe 3 ");
    }

    @Test
    void everyProbeIsCheckedBeforeAnyResultIsPrinted() throws IOException {
        Path probes = temp.resolve("probes.yaml");
        Files.writeString(probes, "- {from: y/b, to: x/a, port: 80}\n".repeat(3000) + "- {from: y/b, to: x/d, port: 80}\n");

        for (String output : List.of("json", "text")) {
            Run run = run("--cluster", XYZ, "--cluster", POLICIES, "--probes", probes.toString(), "--output", output);

            assertBadInput(run, "probe 3001 (y/b -> x/d)", "no Pod x/d");
        }
    }

    @Test
    void aHundredThousandProbesNeedNoMoreHeapThanOne() throws Exception {
        Path probes = temp.resolve("probes.yaml");
        Files.writeString(probes, "- {from: y/b, to: x/a, port: 80}\n".repeat(100_000) + "- {from: z/c, to: x/a, port: 80}\n");

        // Reading all probes before judging them needed more than 64 MB of heap here. A small heap is slow on a busy
        // machine (70 s at load 12): the limit is for a process that never ends, not a timing.
        MainTest.Exit exit = MainTest.run(temp, java.time.Duration.ofMinutes(5), List.of("-Xmx32m"), java.util.Map.of(),
                "probe", "--cluster", XYZ,
                "--cluster", POLICIES, "--probes", probes.toString());

        assertThat(exit.code()).as(exit.err()).isZero();
        List<String> lines = exit.out().lines().toList();
        assertThat(lines.size()).isGreaterThan(1 + 100_001 + 2);
        assertThat(lines.get(100_000)).isEqualTo("y/b   x/a  TCP/80  allowed");
        assertThat(lines.get(100_001)).isEqualTo("z/c   x/a  TCP/80  blocked");
        assertThat(lines.subList(100_002, 100_005)).containsExactly("", "probe 100001 z/c -> x/a:",
                "  blocked by the ingress of x/a");
    }

    @Test
    void aFileThatLooksLikeJsonButIsYamlIsReadAsYaml() throws IOException {
        Path probes = temp.resolve("probes.yaml");
        Files.writeString(probes, "[{from: y/b, to: x/a, port: 80}, {from: z/c, to: x/a, port: 80}]\n");

        Run run = run("--cluster", XYZ, "--cluster", POLICIES, "--probes", probes.toString(), "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new ObjectMapper().readTree(run.out())).extracting(r -> r.get("allowed").asBoolean())
                .containsExactly(true, false);
    }

    @Test
    void anAddressTwoPodsHaveStandsForNeither() throws IOException {
        // fd00::2:2 is y/b, which x/a accepts; once a pod of namespace z has it too, it is only an address.
        Path twin = Files.writeString(temp.resolve("twin.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: twin, namespace: z, labels: {pod: twin}}
                status: {podIP: "fd00::2:2"}
                """);
        Path probes = Files.writeString(temp.resolve("probes.yaml"), "- {from: \"fd00::2:2\", to: x/a, port: 80}\n");

        Run alone = run("--cluster", XYZ, "--cluster", POLICIES, "--probes", probes.toString(), "--output", "json");
        Run twins = run("--cluster", XYZ, "--cluster", POLICIES, "--cluster", twin.toString(), "--probes", probes.toString(),
                "--output", "json");

        assertThat(new ObjectMapper().readTree(alone.out()).get(0).get("allowed").asBoolean()).as(alone.err()).isTrue();
        assertThat(new ObjectMapper().readTree(twins.out()).get(0).get("allowed").asBoolean()).as(twins.err()).isFalse();
    }

    @Test
    void skippedObjectsAreMentionedOnStandardErrorOnly() throws IOException {
        Run run = probe("probe/probes.yaml", "--output", "json", "--verbose");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("ConfigMap settings").contains("skipped");
        assertThat(run.out()).doesNotContain("skipped");
        assertThat(new ObjectMapper().readTree(run.out())).hasSize(5);
    }

    @Test
    void aMissingClusterFileIsBadInput() {
        Run run = run("--cluster", temp.resolve("nowhere.yaml").toString(), "--probes", resource("probe/probes.yaml"));

        assertBadInput(run, "nowhere.yaml", "no such file or directory");
    }

    @Test
    void invalidYamlInTheClusterIsBadInput() throws IOException {
        Path broken = Files.writeString(temp.resolve("broken.yaml"), "kind: Pod\nmetadata: {name: [\n");

        Run run = run("--cluster", XYZ, "--cluster", broken.toString(), "--probes", resource("probe/probes.yaml"));

        assertBadInput(run, broken.toString(), "not valid YAML or JSON");
    }

    @Test
    void anUnknownPodIsBadInputNamingTheProbe() {
        Run run = probe("probe/unknown-pod.yaml", "--output", "json");

        assertBadInput(run, "probe 2 (y/b -> x/d)", "no Pod x/d");
    }

    @Test
    void aNamedPortTheDestinationDoesNotDeclareIsBadInput() {
        Run run = probe("probe/unknown-named-port.yaml");

        assertBadInput(run, "probe 1 (y/b -> x/a)", "x/a declares no TCP container port named 'metrics'");
    }

    @Test
    void aNamedPortOnAnAddressIsBadInput() {
        Run run = probe("probe/named-port-on-address.yaml");

        assertBadInput(run, "probe 1 (x/a -> 192.0.2.10)", "named port 'https'");
    }

    @Test
    void anUnknownProtocolIsBadInput() {
        Run run = probe("probe/bad-protocol.yaml");

        assertBadInput(run, "probe 1 (y/b -> x/a)", "unknown protocol 'ICMP'");
    }

    @Test
    void aMissingProbesFileIsBadInput() {
        Run run = run("--cluster", XYZ, "--probes", temp.resolve("probes.yaml").toString());

        assertBadInput(run, "probes.yaml", "no such probes file");
    }

    @Test
    void anUnknownOutputFormatIsBadInput() {
        Run run = probe("probe/probes.yaml", "--output", "xml");

        assertThat(run.exitCode()).isEqualTo(CommandLines.EXIT_BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("xml");
    }

    private static void assertBadInput(Run run, String... messageParts) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(CommandLines.EXIT_BAD_INPUT);
        assertThat(run.out()).as("standard output").isEmpty();
        assertThat(run.err()).startsWith("error: ").contains(messageParts).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static String resource(String name) {
        try {
            return Path.of(ProbeCommandTest.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
