package io.netpolguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.config.GuardConfig;
import io.netpolguard.config.GuardFactory;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.FlowDefinition;
import io.netpolguard.scenario.Expectation;
import io.netpolguard.scenario.Scenario;
import io.netpolguard.scenario.Scenarios;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code netpol-guard check}: every required flow with its status; exit 0, 1 (critical blocked) or 2 (bad input). */
class CheckCommandTest {
    private static final List<String> HOSTS = List.of("--no-dns",
            "--host", "abc12345.live.dynatrace.com=203.0.113.10", "--host", "registry.example.com=203.0.113.20",
            "--host", "abc12345.apps.dynatrace.com=203.0.113.30", "--host", "sso.dynatrace.com=203.0.113.40",
            "--host", "index.docker.io=203.0.113.50");

    @TempDir
    Path temp;

    /** A netpol-guard command run in-process with captured output (never without a command: that serves). */
    record Run(int exitCode, String out, String err) {

        static Run run(List<String> args) {
            return run(null, args);
        }

        /**
         * The command with {@code netpol-guard.*} settings, as the application reads them from
         * application.properties, {@code -D} or the environment.
         */
        static Run configured(Map<String, String> settings, String... args) {
            GuardConfig config = new SmallRyeConfigBuilder().withMapping(GuardConfig.class)
                    .withConverter(Duration.class, 200, new DurationConverter()) // "2s", as Quarkus reads durations
                    .withSources(new PropertiesConfigSource(settings, "test settings", 400)).build()
                    .getConfigMapping(GuardConfig.class);
            return run(new GuardFactory(config), List.of(args));
        }

        private static Run run(GuardFactory guardFactory, List<String> args) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("a command is required");
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            NetpolGuardCommand command = guardFactory == null ? new NetpolGuardCommand(GuardFactory::withDefaults)
                    : new NetpolGuardCommand(() -> guardFactory);
            CommandLine commandLine = CommandLines.create(command, null);
            commandLine.setOut(new PrintWriter(out));
            commandLine.setErr(new PrintWriter(err));
            int exitCode = commandLine.execute(args.toArray(String[]::new));
            return new Run(exitCode, out.toString(), err.toString());
        }

        static Run run(String... args) {
            return run(List.of(args));
        }

        JsonNode json() {
            try {
                return Manifests.JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + e.getMessage() + "\n" + out + "\nstderr:\n" + err);
            }
        }
    }

    static String path(String scenarioPath) {
        return Scenarios.root().resolve(scenarioPath).toString();
    }

    /** core + dynakubes (every flow required and allowed), plus more directories; {@code --output json} as is. */
    private static Run check(String... more) {
        List<String> args = new ArrayList<>(List.of("check", "--cluster", path("_base/core"), "--cluster", path("_base/dynakubes")));
        for (int i = 0; i < more.length; i++) {
            if (more[i].equals("--output")) {
                args.addAll(List.of(more[i], more[++i]));
            } else {
                args.addAll(List.of("--cluster", path(more[i])));
            }
        }
        args.addAll(HOSTS);
        return Run.run(args);
    }

    static Map<String, String> statuses(JsonNode json) {
        Map<String, String> statuses = new LinkedHashMap<>();
        json.path("flows").forEach(f -> statuses.put(f.path("owner").asText().isEmpty() ? f.path("id").asText()
                : f.path("id").asText() + " (" + f.path("owner").asText() + ")", f.path("status").asText()));
        return statuses;
    }

    @Test
    void textListsEveryFlowAndExitsZeroWhenNothingIsBlocked() {
        Run run = check();
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).matches("FLOW +FOR +SEVERITY +STATUS");
        assertThat(lines).anyMatch(l -> l.matches("operator->kube-dns +- +critical +allowed"));
        assertThat(lines).anyMatch(l -> l.matches("monitored-apps->activegate +DynaKube dynatrace/dynakube +warning +allowed"));
        assertThat(lines).anyMatch(l -> l.matches("oneagent->dynatrace-api +DynaKube dynatrace/dynakube +critical +not-applicable"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("46 flows: 45 allowed, 1 not-applicable");
    }

    @Test
    void jsonHasEveryCatalogueFlowWithStatusSeverityAndExplanation() {
        Run run = check("--output", "json");
        assertThat(run.exitCode()).isZero();
        JsonNode json = run.json();
        assertThat(json.path("flows")).hasSize(46);
        List<String> ids = new ArrayList<>();
        json.path("flows").forEach(f -> {
            ids.add(f.path("id").asText());
            assertThat(f.path("severity").asText()).isIn("critical", "warning");
            assertThat(f.path("connections").asInt()).as(f.path("id").asText()).isPositive();
            assertThat(f.path("explanation").asText()).startsWith(f.path("id").asText() + " (");
        });
        assertThat(ids.stream().distinct().sorted().toList()).as("every flow but the in-cluster proxy's").isEqualTo(
                FlowCatalogue.standard().flows().stream().map(FlowDefinition::id)
                        .filter(id -> !id.equals("proxy->dynatrace-api")).sorted().toList());
        assertThat(json.path("summary").toString())
                .isEqualTo("{\"allowed\":45,\"blocked\":0,\"unverifiable\":0,\"not-applicable\":1}");
        assertThat(json.path("problems")).isEmpty();
        assertThat(statuses(json)).containsEntry("csi-driver->registry (DynaKube dynatrace/appmon)", "allowed")
                .containsEntry("control-plane->netpol-guard", "allowed");
    }

    @Test
    void aBlockedCriticalFlowExitsOneAndIsExplainedWithAFix() {
        Run run = check("operator-to-kube-dns-unblocked/cluster");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).containsPattern("operator->kube-dns +- +critical +blocked")
                .contains("operator->kube-dns (critical): blocked")
                .contains("fix: a NetworkPolicy like this would allow it:")
                .contains("name: allow-operator-to-kube-dns-egress")
                .contains("46 flows: 1 blocked, 44 allowed, 1 not-applicable");
    }

    @Test
    void aBlockedWarningFlowDoesNotFailTheCheck() {
        Run run = check("monitored-apps-to-activegate-unblocked/cluster", "--output", "json");
        assertThat(run.exitCode()).isZero();
        JsonNode json = run.json();
        assertThat(statuses(json)).containsEntry("monitored-apps->activegate (DynaKube dynatrace/dynakube)", "blocked");
        assertThat(json.path("summary").path("blocked").asInt()).isEqualTo(1);
    }

    @Test
    void anUnresolvedHostIsUnverifiableNotBlocked() {
        Run run = Run.run("check", "--cluster", path("_base/example"), "--no-dns");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("operator->dynatrace-api +DynaKube dynatrace/dynakube +critical +unverifiable")
                .contains("abc12345.live.dynatrace.com (apiUrl of DynaKube dynatrace/dynakube) could not be resolved; "
                        + "give its address with --host abc12345.live.dynatrace.com=IP");
        Run resolved = Run.run("check", "--cluster", path("_base/example"), "--no-dns",
                "--host", "abc12345.live.dynatrace.com=203.0.113.10");
        assertThat(resolved.out()).containsPattern("operator->dynatrace-api +DynaKube dynatrace/dynakube +critical +allowed")
                .endsWith("17 flows: 16 allowed, 1 not-applicable" + System.lineSeparator());
    }

    /**
     * Issue 10 §1: a v1beta6 DynaKube whose only feature is a database extension gets an ActiveGate (the extension
     * controller talks to it), so the ActiveGate's own flows are required: here blocked, as the base allows none.
     */
    @Test
    void aDynaKubeWithOnlyDatabaseExtensionsHasAnActiveGateWhoseFlowsAreRequired() throws IOException {
        Run run = Run.run(coreWith(databasesOnly()));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(statuses(run.json())).containsEntry("activegate->kube-dns (DynaKube dynatrace/databases)", "blocked")
                .containsEntry("activegate->dynatrace-api (DynaKube dynatrace/databases)", "blocked")
                .containsEntry("extension-controller->activegate (DynaKube dynatrace/databases)", "blocked")
                .containsEntry("sql-executor->extension-controller (DynaKube dynatrace/databases)", "blocked")
                .doesNotContainKey("activegate->kube-apiserver (DynaKube dynatrace/databases)")
                .doesNotContainKey("otel-collector->kube-dns (DynaKube dynatrace/databases)");
        assertThat(explanation(run.json(), "activegate->kube-dns"))
                .contains("dynatrace/databases-activegate (expected pods, none running yet)");
    }

    /**
     * Issue 10 §1: a policy that allows the extension controller's port by name is judged with the name the operator
     * gives it ({@code collector-com}), also before the extension controller runs (an expected pod).
     */
    @Test
    void theExpectedExtensionControllerIsReachedByItsRealPortName() throws IOException {
        Path dynaKube = databasesOnly();
        Run byName = Run.run(coreWith(dynaKube, sqlExecutorToExtensionControllerOnPort("collector-com")));
        assertThat(statuses(byName.json())).containsEntry("sql-executor->extension-controller (DynaKube dynatrace/databases)",
                "allowed");

        Run wrongName = Run.run(coreWith(dynaKube, sqlExecutorToExtensionControllerOnPort("collector")));
        assertThat(statuses(wrongName.json())).containsEntry(
                "sql-executor->extension-controller (DynaKube dynatrace/databases)", "blocked");
        assertThat(explanation(wrongName.json(), "sql-executor->extension-controller")).contains("dynatrace/databases-"
                + "extension-controller (expected pods, none running yet) declares no TCP container port named 'collector'");
    }

    /**
     * Issue 10 §3: the CSI driver downloads code modules through the DynaKube's proxy when one is set, so the
     * policy that allows the registry itself does not help, and the fix allows the proxy, never the registry.
     * A host on the operator's no-proxy list is reached directly.
     */
    @Test
    void codeModulesAreDownloadedThroughTheDynaKubesProxyAndTheFixNeverBypassesIt() throws IOException {
        // _base/core lets the CSI driver reach registry.example.com (203.0.113.20) on 443, not the proxy
        Run proxied = Run.run(coreWith(appMonitoringWithCodeModulesImage("proxied", "")));
        assertThat(statuses(proxied.json())).containsEntry("csi-driver->registry (DynaKube dynatrace/proxied)", "blocked");
        String explanation = explanation(proxied.json(), "csi-driver->registry");
        assertThat(explanation).contains("dynatrace/DaemonSet/dynatrace-oneagent-csi-driver -> 10.20.0.5 on TCP/3128")
                .contains("note: traffic to registry.example.com goes through the proxy of DynaKube dynatrace/proxied "
                        + "(10.20.0.5:3128, spec.proxy), so a policy must allow the proxy");
        String fix = explanation.substring(explanation.indexOf("fix:"), explanation.indexOf("note:"));
        assertThat(fix).contains("cidr: 10.20.0.5/32", "port: 3128").doesNotContain("203.0.113.20", "port: 443");

        Run noProxy = Run.run(coreWith(appMonitoringWithCodeModulesImage("direct",
                "feature.dynatrace.com/no-proxy: registry.example.com")));
        assertThat(statuses(noProxy.json())).containsEntry("csi-driver->registry (DynaKube dynatrace/direct)", "allowed");
    }

    /** An applicationMonitoring DynaKube with a codeModulesImage from registry.example.com and proxy 10.20.0.5:3128. */
    private Path appMonitoringWithCodeModulesImage(String name, String annotation) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(name));
        Files.writeString(dir.resolve("dynakube.yaml"), """
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata:
                  name: %s
                  namespace: dynatrace
                  annotations: {%s}
                spec:
                  apiUrl: https://abc12345.live.dynatrace.com/api
                  proxy: {value: "http://10.20.0.5:3128"}
                  oneAgent:
                    applicationMonitoring:
                      namespaceSelector: {matchLabels: {dynatrace-injection: b}}
                      codeModulesImage: registry.example.com/dynatrace/codemodules:1.321.0
                """.formatted(name, annotation));
        return dir;
    }

    /** A v1beta6 DynaKube whose only feature is one database extension (an SQL executor). */
    private Path databasesOnly() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("databases"));
        Files.writeString(dir.resolve("dynakube.yaml"), """
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata: {name: databases, namespace: dynatrace}
                spec:
                  apiUrl: https://abc12345.live.dynatrace.com/api
                  extensions:
                    databases:
                    - id: orders
                  templates:
                    sqlExtensionExecutor:
                      imageRef: {repository: public.ecr.aws/dynatrace/dynatrace-sql-extension-executor, tag: 1.0.0}
                """);
        return dir;
    }

    /** The SQL executor's egress and the extension controller's ingress, both on the port called {@code port}. */
    private Path sqlExecutorToExtensionControllerOnPort(String port) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("eec-port-" + port));
        Files.writeString(dir.resolve("policies.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-sql-executor-to-extension-controller, namespace: dynatrace}
                spec:
                  podSelector: {matchLabels: {app.kubernetes.io/name: dynatrace-sql-extension-executor}}
                  policyTypes: [Egress]
                  egress:
                  - to: [{podSelector: {matchLabels: {app.kubernetes.io/name: dynatrace-extension-controller}}}]
                    ports: [{protocol: TCP, port: %1$s}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-extension-controller-ingress, namespace: dynatrace}
                spec:
                  podSelector: {matchLabels: {app.kubernetes.io/name: dynatrace-extension-controller}}
                  policyTypes: [Ingress]
                  ingress:
                  - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: dynatrace-sql-extension-executor}}}]
                    ports: [{protocol: TCP, port: %1$s}]
                """.formatted(port));
        return dir;
    }

    private static List<String> coreWith(Path... clusters) {
        List<String> args = new ArrayList<>(List.of("check", "--output", "json", "--cluster", path("_base/core")));
        for (Path cluster : clusters) {
            args.addAll(List.of("--cluster", cluster.toString()));
        }
        args.addAll(HOSTS);
        return args;
    }

    /** Issue 14 §1, as reported: a tenant with two addresses and a policy that allows only the first. */
    @Test
    void aHostWithTwoAddressesIsBlockedWhenAPolicyAllowsOnlyOne() {
        // _base/core allows the operator to reach 203.0.113.10/32 only
        Run run = Run.run(coreAndDynaKubesWithTenantAt("203.0.113.10,203.0.113.11"));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(statuses(run.json())).containsEntry("operator->dynatrace-api (DynaKube dynatrace/dynakube)", "blocked");
        // the explanation names the address left out, and the fix covers both: exactly them, as one network
        assertThat(explanation(run.json(), "operator->dynatrace-api")).contains("but not at 203.0.113.11")
                .contains(String.join("\n", "        - ipBlock:", "            cidr: 203.0.113.10/31", "        ports:"));

        Run oneAddress = Run.run(coreAndDynaKubesWithTenantAt("203.0.113.10"));
        assertThat(oneAddress.exitCode()).as(oneAddress.err()).isZero();
        assertThat(statuses(oneAddress.json())).containsEntry("operator->dynatrace-api (DynaKube dynatrace/dynakube)", "allowed");
    }

    private static List<String> coreAndDynaKubesWithTenantAt(String addresses) {
        return List.of("check", "--output", "json", "--no-dns", "--cluster", path("_base/core"),
                "--cluster", path("_base/dynakubes"), "--host", "abc12345.live.dynatrace.com=" + addresses,
                "--host", "registry.example.com=203.0.113.20", "--host", "abc12345.apps.dynatrace.com=203.0.113.30",
                "--host", "sso.dynatrace.com=203.0.113.40", "--host", "index.docker.io=203.0.113.50");
    }

    /**
     * {@code netpol-guard.control-plane.cidrs} reaches {@code control-plane->webhook}: the API server's calls may come
     * from any address of the range, so an ipBlock must cover all of it (issue 14 §1).
     */
    @Test
    void aConfiguredControlPlaneRangeIsAllowedOnlyWhenAnIpBlockCoversAllOfIt() throws IOException {
        Map<String, String> settings = Map.of("netpol-guard.control-plane.cidrs", "172.18.0.0/24");
        // the example cluster's webhook policy admits 172.18.0.0/16: all of the range
        Run covered = Run.configured(settings, exampleWithWebhookIngressFrom(null));
        assertThat(covered.exitCode()).as(covered.err()).isZero();
        assertThat(statuses(covered.json())).containsEntry("control-plane->webhook", "allowed");

        Run half = Run.configured(settings, exampleWithWebhookIngressFrom("172.18.0.0/25"));
        assertThat(half.exitCode()).as(half.err()).isZero();
        assertThat(statuses(half.json())).containsEntry("control-plane->webhook", "unverifiable");
        JsonNode flow = flow(half.json(), "control-plane->webhook");
        assertThat(flow.path("reason").asText()).isEqualTo("the ingress of dynatrace/Deployment/dynatrace-webhook: ipBlock "
                + "rules cover only part of control plane 172.18.0.0/24, and each of its addresses must be allowed");
        assertThat(flow.path("explanation").asText()).contains("peer matches only part of control plane 172.18.0.0/24 "
                + "(ipBlock 172.18.0.0/25)");

        Run elsewhere = Run.configured(settings, exampleWithWebhookIngressFrom("10.0.0.0/8"));
        assertThat(elsewhere.exitCode()).isEqualTo(1);
        assertThat(statuses(elsewhere.json())).containsEntry("control-plane->webhook", "blocked");
        assertThat(explanation(elsewhere.json(), "control-plane->webhook")).contains("control plane 172.18.0.0/24");

        // without the setting the control plane is the API server's endpoint 172.18.0.2, inside the /25
        assertThat(statuses(Run.run(exampleWithWebhookIngressFrom("172.18.0.0/25")).json()))
                .containsEntry("control-plane->webhook", "allowed");
    }

    /** check of the example cluster, its webhook ingress policy replaced by one from {@code cidr} (null: as it is). */
    private String[] exampleWithWebhookIngressFrom(String cidr) throws IOException {
        List<String> args = new ArrayList<>(List.of("check", "--output", "json", "--no-dns", "--cluster",
                path("_base/example"), "--host", "abc12345.live.dynatrace.com=203.0.113.10"));
        if (cidr != null) {
            Path dir = Files.createDirectories(temp.resolve("webhook-from-" + cidr.replace('/', '_')));
            Files.writeString(dir.resolve("allow-webhook-from-control-plane.yaml"), """
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: allow-webhook-from-control-plane, namespace: dynatrace}
                    spec:
                      podSelector: {matchLabels: {app.kubernetes.io/component: webhook}}
                      policyTypes: [Ingress]
                      ingress:
                      - from: [{ipBlock: {cidr: %s}}]
                        ports: [{protocol: TCP, port: 8443}]
                    """.formatted(cidr));
            args.addAll(List.of("--cluster", dir.toString()));
        }
        return args.toArray(String[]::new);
    }

    static JsonNode flow(JsonNode json, String id) {
        for (JsonNode flow : json.path("flows")) {
            if (flow.path("id").asText().equals(id)) {
                return flow;
            }
        }
        throw new AssertionError("no flow " + id + " in " + json.toPrettyString());
    }

    private static String explanation(JsonNode json, String id) {
        return flow(json, id).path("explanation").asText();
    }

    @Test
    void problemsReadingDynatraceObjectsAreListed() throws IOException {
        Files.writeString(temp.resolve("dk.yaml"), """
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata: {name: dk, namespace: dynatrace}
                spec:
                  apiUrl: abc12345.live.dynatrace.com
                  activeGate: {capabilities: [routing, teleportation]}
                """);
        Run text = check(temp.toString());
        assertThat(text.out()).contains("Problems reading objects:",
                "- DynaKube dynatrace/dk: spec.apiUrl 'abc12345.live.dynatrace.com' is not an http(s) URL with a host",
                "- DynaKube dynatrace/dk: spec.activeGate.capabilities has unknown capability 'teleportation'");
        JsonNode json = check(temp.toString(), "--output", "json").json();
        assertThat(json.path("problems")).hasSize(2);
        assertThat(statuses(json)).containsEntry("operator->dynatrace-api (DynaKube dynatrace/dk)", "unverifiable");
    }

    @Test
    void aMissingClusterDirectoryIsBadInput() {
        Run run = Run.run("check", "--cluster", temp.resolve("nowhere").toString(), "--no-dns");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: " + temp.resolve("nowhere") + ": no such file or directory"
                + System.lineSeparator());
    }

    @Test
    void aBadHostMappingIsBadInput() {
        Run noIp = Run.run("check", "--cluster", path("_base/example"), "--no-dns", "--host", "nonsense");
        assertThat(noIp.exitCode()).isEqualTo(2);
        assertThat(noIp.err()).startsWith("error: --host 'nonsense' is not NAME=IP");
        Run badIp = Run.run("check", "--cluster", path("_base/example"), "--no-dns", "--host", "tenant=999.1.1.1");
        assertThat(badIp.exitCode()).isEqualTo(2);
        assertThat(badIp.err()).startsWith("error: --host 'tenant=999.1.1.1': '999.1.1.1' is not an IP address");
        assertThat(badIp.out()).isEmpty();
    }

    @Test
    void aManifestThatIsNotYamlIsBadInput() throws IOException {
        Files.writeString(temp.resolve("broken.yaml"), "kind: [unclosed\n");
        Run run = Run.run("check", "--cluster", temp.toString(), "--no-dns");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: ").contains("broken.yaml").contains("not valid YAML or JSON");
    }

    @Test
    void usageErrorsAreBadInput() {
        assertThat(Run.run("check", "--no-dns").exitCode()).isEqualTo(2);
        Run badFormat = Run.run("check", "--cluster", path("_base/example"), "--output", "xml");
        assertThat(badFormat.exitCode()).isEqualTo(2);
        assertThat(badFormat.err()).contains("--output");
    }

    /** The check expectations of the scenarios hold for the command line too. */
    @TestFactory
    Stream<DynamicTest> scenarioChecks() {
        List<Scenario> scenarios = Scenarios.all().stream()
                .filter(s -> !s.expectation().check().isEmpty() && s.reproducibleByCli()).toList();
        assertThat(scenarios).hasSizeGreaterThan(50);
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            List<String> args = new ArrayList<>(List.of("check", "--output", "json"));
            args.addAll(s.cliArguments());
            Run run = Run.run(args);
            assertThat(run.exitCode()).as(run.err()).isIn(0, 1);
            Map<String, String> statuses = statuses(run.json());
            s.expectation().assertCheck(statuses);
            boolean criticalBlocked = false;
            for (JsonNode flow : run.json().path("flows")) {
                criticalBlocked |= flow.path("status").asText().equals("blocked")
                        && flow.path("severity").asText().equals("critical");
            }
            assertThat(run.exitCode()).isEqualTo(criticalBlocked ? 1 : 0);
        }));
    }

    @Test
    void statusesMatchTheInProcessCheck() {
        Scenario scenario = Scenarios.named("operator-to-kube-dns-unblocked");
        List<String> args = new ArrayList<>(List.of("check", "--output", "json"));
        args.addAll(scenario.cliArguments());
        assertThat(statuses(Run.run(args).json())).isEqualTo(Expectation.statuses(scenario.check()).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)));
    }

    @Test
    void inputWithoutAnyOperatorIsBadInput() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        Run run = Run.run("check", "--cluster", empty.toString(), "--no-dns");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("no Dynatrace Operator in " + empty)
                .contains("no DynaKube or EdgeConnect").doesNotContain("Exception");
    }
}
