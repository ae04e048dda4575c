package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance expectations of the upstream network-policy-api project, as fixtures of our own under
 * {@code src/test/resources/conformance} (see the README there): one dynamic test per case file. A case is the
 * base cluster, the policies in force at one step of an upstream conformance test, and the connections that step
 * checks. Every mismatch of a case is reported at once, with the engine's explanation.
 */
class ConformanceTest {
    private static final Path ROOT = resource("conformance");
    private static final Path BASE = ROOT.resolve("base/cluster.yaml");
    private static final List<String> APIS = List.of("cluster-network-policy", "admin-network-policy");
    /** How many case files were written (128 ClusterNetworkPolicy, 92 AdminNetworkPolicy and BaselineAdminNetworkPolicy). */
    private static final int CASES_WRITTEN = 220;
    private static final String HEADER_KIND = "ConformanceCase";
    /** Kinds a case may carry to replace the base object of the same kind, namespace and name. */
    private static final Set<String> CLUSTER_KINDS = Set.of("Namespace", "Pod", "Node");

    @Test
    void everyCaseFileIsFound() {
        assertThat(Files.isRegularFile(BASE)).as("base cluster %s", BASE).isTrue();
        List<Path> cases = APIS.stream().flatMap(api -> caseFiles(ROOT.resolve(api)).stream()).toList();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(CASES_WRITTEN);
    }

    /** The harness itself: a case that carries a relabelled Pod or Namespace replaces the base object, not adds one. */
    @Test
    void aCaseReplacesTheBaseObjectsItCarries() {
        Path relabelledPod = ROOT.resolve("cluster-network-policy/CNPAdminTierPodSelector/"
                + "03-support-pod-selectors-in-ingress-peers-cedric-diggory-0-labelled-blocked.yaml");
        ClusterSnapshot snapshot = snapshot(relabelledPod, Manifests.read(relabelledPod), new ArrayList<>());
        ClusterSnapshot base = new SnapshotBuilder(s -> { }).addFiles(List.of(BASE)).build();

        assertThat(snapshot.pods().all()).hasSameSizeAs(base.pods().all());
        assertThat(snapshot.pod("network-policy-conformance-hufflepuff", "cedric-diggory-0").orElseThrow().labels()
                .asMap()).containsEntry("conformance-role", "blocked");
        assertThat(snapshot.pod("network-policy-conformance-hufflepuff", "cedric-diggory-1").orElseThrow().labels()
                .asMap()).doesNotContainKey("conformance-role");

        Path relabelledNamespace = ROOT.resolve("cluster-network-policy/CNPAdminTierEgressInlineCIDRPeers/"
                + "02-support-deny-egress-rule-policy-for-egress-cidr-peer-slytherin-relabelled.yaml");
        snapshot = snapshot(relabelledNamespace, Manifests.read(relabelledNamespace), new ArrayList<>());
        assertThat(snapshot.labelsOf("network-policy-conformance-slytherin").asMap())
                .containsEntry("conformance-house", "denied-namespace-label");
        assertThat(snapshot.namespaces()).hasSameSizeAs(base.namespaces());
    }

    /**
     * One container per API and upstream test, one dynamic test per case file. (No file URIs as test sources:
     * Surefire's {@code -Dtest=ConformanceTest} filter drops dynamic tests whose source is not a method.)
     */
    @TestFactory
    Stream<DynamicNode> upstreamConformance() {
        return APIS.stream().map(api -> DynamicContainer.dynamicContainer(api,
                byUpstreamTest(ROOT.resolve(api)).entrySet().stream().map(test -> DynamicContainer.dynamicContainer(
                        test.getKey(), test.getValue().stream().map(file -> DynamicTest.dynamicTest(
                                file.getFileName().toString(), () -> check(file)))))));
    }

    private static Map<String, List<Path>> byUpstreamTest(Path apiDirectory) {
        return caseFiles(apiDirectory).stream().collect(Collectors.groupingBy(
                file -> file.getParent().getFileName().toString(), TreeMap::new, Collectors.toList()));
    }

    private static List<Path> caseFiles(Path apiDirectory) {
        if (!Files.isDirectory(apiDirectory)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(apiDirectory)) {
            return walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One expected connection; {@code to} names a pod, {@code toAddress} an address that is not a pod. */
    private record Expectation(String from, String to, String toAddress, int port, String protocol, boolean connected) {

        static Expectation of(JsonNode node, String where) {
            for (String field : List.of("from", "port", "protocol", "connected")) {
                if (!node.hasNonNull(field)) {
                    throw new AssertionError(where + ": expectation " + node + " has no " + field);
                }
            }
            if (node.hasNonNull("to") == node.hasNonNull("toAddress")) {
                throw new AssertionError(where + ": expectation " + node + " needs exactly one of to and toAddress");
            }
            return new Expectation(node.get("from").asText(), node.path("to").asText(null),
                    node.path("toAddress").asText(null), node.get("port").asInt(), node.get("protocol").asText(),
                    node.get("connected").asBoolean());
        }

        String destination() {
            return to != null ? to : toAddress;
        }

        Outcome expected() {
            return connected ? Outcome.ALLOWED : Outcome.BLOCKED;
        }
    }

    private static void check(Path caseFile) {
        List<Manifests.Document> documents = Manifests.read(caseFile);
        String where = ROOT.relativize(caseFile).toString();
        if (documents.isEmpty() || !HEADER_KIND.equals(documents.get(0).node().path("kind").asText())) {
            throw new AssertionError(where + ": the first document must be the " + HEADER_KIND + " header");
        }
        JsonNode header = documents.get(0).node();
        List<Expectation> expectations = new ArrayList<>();
        header.path("expectations").forEach(node -> expectations.add(Expectation.of(node, where)));
        if (expectations.isEmpty()) {
            throw new AssertionError(where + ": the header lists no expectations");
        }

        List<String> skipped = new ArrayList<>();
        ClusterSnapshot snapshot = snapshot(caseFile, documents, skipped);
        PolicyEngine engine = snapshot.engine();

        List<String> mismatches = new ArrayList<>();
        for (Expectation expectation : expectations) {
            Endpoint source = pod(snapshot, expectation.from(), where);
            Endpoint destination = expectation.to() != null ? pod(snapshot, expectation.to(), where)
                    : ExternalEndpoint.ofAddress(address(expectation.toAddress(), where));
            Connection connection = new Connection(source, destination, expectation.port(),
                    Protocol.valueOf(expectation.protocol()));
            String line = expectation.from() + " -> " + expectation.destination() + " " + expectation.port() + "/"
                    + expectation.protocol() + ": expected " + expectation.expected();
            try {
                Verdict verdict = engine.evaluate(connection);
                if (verdict.outcome() != expectation.expected()) {
                    mismatches.add(line + ", actual " + verdict.outcome() + "\n"
                            + verdict.explanation().indent(6).stripTrailing());
                }
            } catch (RuntimeException e) {
                mismatches.add(line + ", but evaluating threw " + e);
            }
        }
        if (!mismatches.isEmpty()) {
            List<String> skippedObjects = skipped.stream().filter(s -> !s.contains("(kind " + HEADER_KIND + " "))
                    .toList();
            throw new AssertionError(where + ": " + mismatches.size() + " of " + expectations.size()
                    + " expectations not met\n  source: " + header.path("source").asText()
                    + "\n  step: " + header.path("description").asText() + "\n  - "
                    + String.join("\n  - ", mismatches)
                    + (skippedObjects.isEmpty() ? "" : "\n  objects the snapshot skipped:\n    "
                    + String.join("\n    ", skippedObjects)));
        }
    }

    /**
     * The base plus the case. A case that carries Namespaces, Pods or Nodes (a label an upstream step changed)
     * replaces the base objects of the same kind, namespace and name; otherwise both files are read as they are.
     */
    private static ClusterSnapshot snapshot(Path caseFile, List<Manifests.Document> caseDocuments, List<String> skipped) {
        Set<String> replaced = new HashSet<>();
        for (Manifests.Document document : caseDocuments) {
            if (CLUSTER_KINDS.contains(document.node().path("kind").asText())) {
                replaced.add(key(document.node()));
            }
        }
        if (replaced.isEmpty()) {
            return new SnapshotBuilder(skipped::add).addFiles(List.of(BASE, caseFile)).build();
        }
        SnapshotBuilder builder = new SnapshotBuilder(skipped::add);
        for (Manifests.Document document : Manifests.read(BASE)) {
            if (!replaced.contains(key(document.node()))) {
                builder.add(document.node(), document.origin());
            }
        }
        for (Manifests.Document document : caseDocuments) {
            builder.add(document.node(), document.origin());
        }
        return builder.build();
    }

    private static String key(JsonNode node) {
        String kind = node.path("kind").asText();
        String namespace = "Pod".equals(kind) ? node.path("metadata").path("namespace").asText("default") : "";
        return kind + "/" + namespace + "/" + node.path("metadata").path("name").asText();
    }

    private static PodEndpoint pod(ClusterSnapshot snapshot, String namespaceAndName, String where) {
        String[] parts = namespaceAndName.split("/", 2);
        if (parts.length != 2) {
            throw new AssertionError(where + ": '" + namespaceAndName + "' is not namespace/name");
        }
        return snapshot.pod(parts[0], parts[1]).orElseThrow(
                () -> new AssertionError(where + ": no pod " + namespaceAndName + " in the base cluster"));
    }

    private static InetAddress address(String literal, String where) {
        if (IpAddresses.parse(literal).isEmpty()) {
            throw new AssertionError(where + ": toAddress '" + literal + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(where + ": toAddress '" + literal + "': " + e.getMessage());
        }
    }

    private static Path resource(String name) {
        java.net.URL url = ConformanceTest.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource '" + name + "' not found");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
