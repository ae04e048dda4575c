package io.netpolguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a cluster from manifests: {@code src/test/resources/manifests/reading} holds a small dump
 * with nested directories, multi-document YAML, tab-indented JSON, {@code kind: List}, every workload
 * kind and kinds the checks do not use.
 */
class ManifestReadingTest {
    private static final Path DUMP = resource("manifests/reading");

    @TempDir
    Path temp;

    private final List<String> skipped = new ArrayList<>();

    private ClusterSnapshot read(Path... roots) {
        return new SnapshotBuilder(skipped::add).addFiles(List.of(roots)).build();
    }

    private PodEndpoint endpoint(ClusterSnapshot snapshot, String displayName) {
        return snapshot.pods().all().stream().filter(p -> p.displayName().equals(displayName)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + displayName + " in " + snapshot.pods().all()));
    }

    private Path write(String name, String text) throws IOException {
        Path file = temp.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aDirectoryIsReadRecursivelyAndOnlyYamlAndJsonFilesCount() {
        assertThat(Manifests.files(List.of(DUMP))).map(p -> DUMP.relativize(p).toString().replace('\\', '/'))
                .containsExactly("namespaces.yaml", "other/config.yaml", "pods/frontend.json", "pods/list.yaml",
                        "policies/network-policies.json", "workloads/apps.yaml", "workloads/batch/jobs.yml");
    }

    @Test
    void aMountedConfigMapIsReadOnceNotThroughItsHiddenDataDirectories() throws IOException {
        String policy = """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: shop}
                spec: {podSelector: {}}
                """;
        write("mount/..2026_11_24_04_00_00.123/policy.yaml", policy);
        write("mount/policy.yaml", policy);

        assertThat(Manifests.files(List.of(temp.resolve("mount")))).containsExactly(temp.resolve("mount/policy.yaml"));
        assertThat(read(temp.resolve("mount")).policies().size()).isEqualTo(1);
    }

    @Test
    void everyPodAndWorkloadOfTheDumpBecomesAnEndpoint() {
        ClusterSnapshot snapshot = read(DUMP);

        assertThat(snapshot.pods().all()).map(PodEndpoint::displayName).containsExactlyInAnyOrder(
                "shop/frontend-7d4b9c", "dynatrace/dynatrace-operator-5f8c7b", "dynatrace/oneagent-x7k2p",
                "shop/Deployment/checkout", "dynatrace/StatefulSet/activegate", "dynatrace/DaemonSet/csi-driver",
                "shop/ReplicaSet/cart-6b9f", "shop/Job/db-migrate", "shop/CronJob/nightly-report");
    }

    @Test
    void aMultiDocumentFileYieldsEachNonEmptyDocument() {
        List<Manifests.Document> documents = Manifests.read(DUMP.resolve("namespaces.yaml"));

        assertThat(documents).extracting(d -> d.node().path("metadata").path("name").asText())
                .containsExactly("dynatrace", "shop");
        assertThat(documents.get(0).origin()).contains("namespaces.yaml");
    }

    @Test
    void namespacesKeepTheirLabelsAndAnnotationsAndGainTheMetadataNameLabel() {
        ClusterSnapshot snapshot = read(DUMP);

        NamespaceInfo dynatrace = snapshot.namespace("dynatrace").orElseThrow();
        assertThat(dynatrace.labels().asMap()).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "observability", "kubernetes.io/metadata.name", "dynatrace"));
        assertThat(dynatrace.annotations()).containsEntry("owner", "platform");
        assertThat(snapshot.labelsOf("shop").asMap()).containsExactlyEntriesOf(Map.of("kubernetes.io/metadata.name", "shop"));
        assertThat(snapshot.labelsOf("never-declared").asMap())
                .containsExactlyEntriesOf(Map.of("kubernetes.io/metadata.name", "never-declared"));
    }

    @Test
    void aPodFromTabIndentedJsonHasLabelsAddressesAndContainerPorts() {
        PodEndpoint frontend = read(DUMP).pod("shop", "frontend-7d4b9c").orElseThrow();

        assertThat(frontend.isPod()).isTrue();
        assertThat(frontend.labels().asMap()).containsExactlyInAnyOrderEntriesOf(Map.of("app", "frontend", "tier", "web"));
        assertThat(frontend.addresses()).containsExactly(ip("10.244.1.17"), ip("fd00:10:244:1::17"));
        assertThat(frontend.hostNetwork()).isFalse();
        assertThat(frontend.ports()).containsExactly(
                new ContainerPort("http", 8080, Protocol.TCP),
                new ContainerPort("dns", 53, Protocol.UDP),
                new ContainerPort("admin", 9901, Protocol.SCTP));
    }

    @Test
    void theItemsOfAListAreReadWithHostNetworkAndPodIp() {
        ClusterSnapshot snapshot = read(DUMP.resolve("pods/list.yaml"));

        PodEndpoint operator = snapshot.pod("dynatrace", "dynatrace-operator-5f8c7b").orElseThrow();
        PodEndpoint oneAgent = snapshot.pod("dynatrace", "oneagent-x7k2p").orElseThrow();
        assertThat(operator.addresses()).containsExactly(ip("10.244.2.5"));
        assertThat(operator.hostNetwork()).isFalse();
        assertThat(oneAgent.addresses()).containsExactly(ip("172.18.0.3"));
        assertThat(oneAgent.hostNetwork()).isTrue();
        assertThat(oneAgent.labels().get("app.kubernetes.io/name")).isEqualTo("oneagent");
    }

    @Test
    void everyWorkloadKindContributesItsPodTemplate() {
        ClusterSnapshot snapshot = read(DUMP);

        assertThat(snapshot.pods().all()).filteredOn(p -> !p.isPod())
                .extracting(PodEndpoint::kind, PodEndpoint::namespace, PodEndpoint::name, p -> p.labels().asMap(),
                        PodEndpoint::hostNetwork)
                .containsExactlyInAnyOrder(
                        tuple("Deployment", "shop", "checkout", Map.of("app", "checkout"), false),
                        tuple("StatefulSet", "dynatrace", "activegate", Map.of("app.kubernetes.io/name", "activegate"), false),
                        tuple("DaemonSet", "dynatrace", "csi-driver", Map.of("app.kubernetes.io/name", "csi-driver"), true),
                        tuple("ReplicaSet", "shop", "cart-6b9f", Map.of("app", "cart"), false),
                        tuple("Job", "shop", "db-migrate", Map.of("job", "db-migrate"), false),
                        tuple("CronJob", "shop", "nightly-report", Map.of("job", "nightly-report"), false));
        assertThat(snapshot.pods().all()).filteredOn(p -> !p.isPod()).allSatisfy(p -> assertThat(p.addresses()).isEmpty());
        assertThat(endpoint(snapshot, "shop/Deployment/checkout").ports()).containsExactly(new ContainerPort("grpc", 9090, Protocol.TCP));
        assertThat(endpoint(snapshot, "shop/CronJob/nightly-report").ports())
                .containsExactly(new ContainerPort("metrics", 9102, Protocol.TCP));
    }

    @Test
    void networkPoliciesOfAJsonListAreCompiledAndApplied() {
        ClusterSnapshot snapshot = read(DUMP);

        assertThat(snapshot.policies().all()).extracting(p -> p.id())
                .containsExactlyInAnyOrder("shop/default-deny", "shop/frontend-from-dynatrace");
        PodEndpoint operator = snapshot.pod("dynatrace", "dynatrace-operator-5f8c7b").orElseThrow();
        PodEndpoint frontend = snapshot.pod("shop", "frontend-7d4b9c").orElseThrow();
        assertThat(snapshot.engine().evaluate(new Connection(operator, frontend, 8080, Protocol.TCP)).allowed()).isTrue();
        assertThat(snapshot.engine().evaluate(new Connection(operator, frontend, 53, Protocol.UDP)).allowed()).isFalse();
        assertThat(snapshot.engine().evaluate(new Connection(frontend, operator, 8080, Protocol.TCP)).allowed()).isFalse();
    }

    @Test
    void kindsTheChecksDoNotUseAreSkippedAndReported() {
        read(DUMP);

        assertThat(skipped).hasSize(2);
        assertThat(skipped.get(0)).contains("config.yaml").contains("ConfigMap shop-settings").contains("skipped");
        assertThat(skipped.get(1)).contains("config.yaml").contains("ServiceAccount checkout").contains("skipped");
    }

    @Test
    void severalRootsMayBeGivenAsFilesAndDirectories() {
        ClusterSnapshot snapshot = read(DUMP.resolve("namespaces.yaml"), DUMP.resolve("pods"));

        assertThat(snapshot.pods().all()).hasSize(3);
        assertThat(snapshot.namespaces()).containsOnlyKeys("dynatrace", "shop");
        assertThat(snapshot.policies().size()).isZero();
    }

    @Test
    void aTopLevelJsonArrayIsAListOfObjects() {
        List<Manifests.Document> documents = Manifests.parse("""
                [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "one"}},
                 {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "two"}}]
                """, "inline.json");

        assertThat(documents).extracting(d -> d.node().path("metadata").path("name").asText()).containsExactly("one", "two");
    }

    @Test
    void aFirstDocumentThatIsAListDoesNotHideTheDocumentsAfterIt() {
        List<Manifests.Document> documents = Manifests.parse("""
                - {apiVersion: v1, kind: Namespace, metadata: {name: one}}
                - {apiVersion: v1, kind: Namespace, metadata: {name: two}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: three
                ---
                - {apiVersion: v1, kind: Namespace, metadata: {name: four}}
                """, "namespaces.yaml");

        assertThat(documents).extracting(d -> d.node().path("metadata").path("name").asText())
                .containsExactly("one", "two", "three", "four");
        assertThat(documents.get(1).origin()).isEqualTo("namespaces.yaml (document 1) item 1");
    }

    @Test
    void aDumpLargerThanThreeMegabytesIsRead() throws IOException {
        StringBuilder dump = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
        int count = 0;
        while (dump.length() < 4_000_000) {
            dump.append("  - {apiVersion: v1, kind: Namespace, metadata: {name: team-").append(count++)
                    .append(", labels: {owner: platform-observability, cost-center: cc-4711}}}\n");
        }
        Path file = write("all-namespaces.yaml", dump.toString());

        assertThat(read(file).namespaces()).hasSize(count);
    }

    @Test
    void invalidYamlNamesTheFile() throws IOException {
        Path file = write("broken/policy.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: [unclosed
                """);

        assertThatThrownBy(() -> read(temp)).isInstanceOf(ManifestException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not valid YAML or JSON");
    }

    /**
     * Issue 12 §5, found by the fuzzer: nulls in lists (a container, a container port, a label or annotation value)
     * threw NullPointerException. They are read as the API server decodes them: a null label value is "", a null
     * container has no ports, a null port is a port without containerPort (a clear error naming the object).
     */
    @Test
    void nullsInListsAndMapsAreReadAsTheApiServerDecodesThem() throws IOException {
        write("ok/namespace.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {team: null}, annotations: {owner: null}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop, labels: {tier: null}}
                spec:
                  template:
                    metadata: {labels: {app: web, tier: null}}
                    spec: {containers: [null, {name: web, ports: [{containerPort: 8080}]}]}
                """);
        ClusterSnapshot snapshot = read(temp.resolve("ok"));
        assertThat(snapshot.labelsOf("shop").asMap()).containsEntry("team", "");
        assertThat(endpoint(snapshot, "shop/Deployment/web").labels().asMap()).containsEntry("tier", "");

        Path file = write("port/deployment.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: db, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: db}}
                    spec: {containers: [{name: db, ports: [null]}]}
                """);
        assertThatThrownBy(() -> read(file)).isInstanceOf(ManifestException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("Deployment db")
                .hasMessageContaining("container 'db' has a port without containerPort");
    }

    /**
     * Found by the fuzzer (seed -7596158379869455157): a null among a pod's {@code status.podIPs} threw
     * NullPointerException. It is skipped, like an empty one; so are nulls among the API server's endpoint ports and
     * addresses.
     */
    @Test
    void aNullPodIpOrEndpointAddressIsSkipped() throws IOException {
        write("ok/cluster.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web-0, namespace: shop, labels: {app: web}}
                status: {podIP: 10.244.1.10, podIPs: [null, {ip: 10.244.1.10}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: dynatrace-operator-0
                  namespace: dynatrace
                  labels: {app.kubernetes.io/name: dynatrace-operator, app.kubernetes.io/component: operator}
                status: {podIP: 10.244.2.10}
                ---
                apiVersion: v1
                kind: Endpoints
                metadata: {name: kubernetes, namespace: default}
                subsets: [null, {addresses: [null, {ip: 172.18.0.2}], ports: [null, {name: https, port: 6443}]}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}
                addressType: IPv4
                endpoints: [null, {addresses: [null, 172.18.0.2]}]
                ports: [null, {name: https, port: 6443, protocol: TCP}]
                """);
        ClusterSnapshot snapshot = read(temp.resolve("ok"));

        assertThat(endpoint(snapshot, "shop/web-0").addresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("10.244.1.10");
        // the operator's flows to the API server find its address among the nulls
        var flows = new io.netpolguard.dynatrace.RequiredFlows(io.netpolguard.dynatrace.FlowCatalogue.standard(),
                io.netpolguard.dynatrace.DynatraceSettings.defaults(),
                io.netpolguard.dynatrace.HostResolver.offline(Map.of())).derive(snapshot);
        assertThat(flows).flatExtracting(f -> f.connections()).extracting(c -> c.connection().destination().toString())
                .anyMatch(destination -> destination.contains("172.18.0.2"));
    }

    /** Issue 12 §5: a long IPv6-looking podIP is turned away at once (its pattern used to backtrack quadratically). */
    @Test
    void aHugePodIpIsRejectedQuickly() throws IOException {
        Path file = write("pod.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: shop}
                status: {podIP: "%s%%"}
                """.formatted(":".repeat(200_000)));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> assertThatThrownBy(() -> read(file)).isInstanceOf(ManifestException.class)
                        .hasMessageContaining("is not an IP address"));
    }

    @Test
    void invalidJsonNamesTheFile() throws IOException {
        Path file = write("pod.json", "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n}\n");

        assertThatThrownBy(() -> read(file)).isInstanceOf(ManifestException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not valid YAML or JSON");
    }

    @Test
    void aDocumentThatIsNotAnObjectNamesTheFile() throws IOException {
        Path file = write("notes.yaml", "just some text\n");

        assertThatThrownBy(() -> read(file)).isInstanceOf(ManifestException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("expected a Kubernetes object");
    }

    @Test
    void anObjectWithoutNameNamesFileAndKind() throws IOException {
        Path file = write("pods.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: fine
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  namespace: shop
                  generateName: web-
                """);

        assertThatThrownBy(() -> read(file)).isInstanceOf(ManifestException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("document 2")
                .hasMessageContaining("Pod").hasMessageContaining("metadata.name is missing");
    }

    @Test
    void anObjectWithoutKindNamesTheFile() throws IOException {
        Path file = write("thing.yaml", "metadata:\n  name: thing\n");

        assertThatThrownBy(() -> read(file)).isInstanceOf(ManifestException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("has no kind");
    }

    @Test
    void aBadNetworkPolicyNamesFileAndPolicy() throws IOException {
        Path file = write("policies.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: egress-to-office
                  namespace: shop
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock:
                            cidr: 203.0.113.0/33
                """);

        assertThatThrownBy(() -> read(file)).isInstanceOf(ManifestException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("NetworkPolicy shop/egress-to-office")
                .hasMessageContaining("egress[0].to[0].ipBlock.cidr")
                .hasMessageContaining("203.0.113.0/33");
    }

    /** The API server's validation of NetworkPolicy (pkg/apis/networking/validation): one line, file, object and field. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}                 | spec.egress[0].to[0].ipBlock.except[0]: 10.1.0.0/24 is not a strict subset of cidr 10.0.0.0/16",
        "ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/16]}                 | spec.egress[0].to[0].ipBlock.except[0]: 10.0.0.0/16 is not a strict subset of cidr 10.0.0.0/16",
        "ipBlock: {cidr: 10.0.0.0/16}, ports: [{port: Web_Port}]             | spec.egress[0].ports[0].port: 'Web_Port' is not a valid port name",
        "ipBlock: {cidr: 10.0.0.0/16}, ports: [{port: 9000, endPort: 8000}]  | spec.egress[0].ports[0].endPort: 8000 is below port 9000 (it must be greater than or equal to port)",
        "ipBlock: {cidr: 10.0.0.0/16}, ports: [{port: 70000}]                | spec.egress[0].ports[0].port: 70000 is not a port number (1-65535)",
        "ipBlock: {cidr: 10.0.0.0/16}, ports: [{port: web, endPort: 8000}]   | spec.egress[0].ports[0].endPort: is not allowed with the named port 'web'",
        "ipBlock: {cidr: 10.0.0.0/16}, ports: [{protocol: tcp, port: 80}]    | spec.egress[0].ports[0].protocol: 'tcp' is not TCP, UDP or SCTP",
    })
    void aPolicyTheApiServerWouldRejectIsRejectedWithOneLineNamingFileObjectAndField(String peer, String problem)
            throws IOException {
        String rule = peer.contains("ports:") ? "{to: [{" + peer.substring(0, peer.indexOf("}, ports:") + 1) + "}], "
                + peer.substring(peer.indexOf("ports:")) + "}" : "{to: [{" + peer + "}]}";
        Path file = write("policy.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress, namespace: shop}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress: [%s]
                """.formatted(rule));

        assertThatThrownBy(() -> read(file)).isInstanceOf(ManifestException.class)
                .hasMessageStartingWith(file.toString()).hasMessageContaining(": NetworkPolicy shop/egress: " + problem)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").containsOnlyOnce("NetworkPolicy"));
    }

    @Test
    void everyCidrFormTheApiServerAcceptsIsRead() throws IOException {
        Path file = write("policy.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress, namespace: shop}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock: {cidr: "::ffff:10.0.0.0/104", except: ["::ffff:10.1.0.0/112"]}
                        - ipBlock: {cidr: 010.000.0.0/8}
                        - ipBlock: {cidr: "0:0:0:0:0:ffff:c000:0200/120"}
                """);

        assertThat(read(file).policies().all()).singleElement()
                .satisfies(p -> assertThat(p.egress().get(0).peers()).hasSize(3));
    }

    @Test
    void aPolicyWithAnUnknownOperatorNamesFileAndPolicy() throws IOException {
        Path file = write("policies.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: tiers
                  namespace: shop
                spec:
                  podSelector:
                    matchExpressions:
                      - key: tier
                        operator: Contains
                        values: [web]
                """);

        assertThatThrownBy(() -> read(file)).isInstanceOf(ManifestException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("shop/tiers").hasMessageContaining("Contains");
    }

    @Test
    void aPodWithAnAddressThatIsNotAnIpNamesFileAndPod() throws IOException {
        Path file = write("pod.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: odd
                  namespace: shop
                status:
                  podIP: not-an-ip
                """);

        assertThatThrownBy(() -> read(file)).isInstanceOf(ManifestException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("Pod odd").hasMessageContaining("not-an-ip");
    }

    @Test
    void aMissingPathIsReported() {
        Path missing = temp.resolve("does-not-exist");

        assertThatThrownBy(() -> read(missing)).isInstanceOf(ManifestException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("no such file or directory");
    }

    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow();
    }

    private static Path resource(String name) {
        try {
            return Path.of(ManifestReadingTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
