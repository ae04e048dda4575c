package io.netpolguard.dynatrace;

import static io.netpolguard.dynatrace.Resources.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** DynaKube v1beta1 … v1beta6: every field that matters is read from its place; bad fields are problems, not crashes. */
class DynaKubeReaderTest {

    private static DynaKube read(String version, String spec) {
        return DynaKubeReader.read(resource("""
                apiVersion: dynatrace.com/%s
                kind: DynaKube
                metadata: {name: dk, namespace: dynatrace}
                spec:
                %s""".formatted(version, spec.indent(2))));
    }

    @Test
    void v1beta1ReadsUseCsiDriverAndTheRoutingAndKubernetesMonitoringSwitches() {
        DynaKube dk = read("v1beta1", """
                apiUrl: https://abc12345.live.dynatrace.com/api
                oneAgent:
                  applicationMonitoring:
                    useCSIDriver: true
                routing: {enabled: true}
                kubernetesMonitoring: {enabled: true}
                """);
        assertThat(dk.apiVersion()).isEqualTo("dynatrace.com/v1beta1");
        assertThat(dk.apiUrl()).isEqualTo(new HostPort("abc12345.live.dynatrace.com", 443));
        assertThat(dk.oneAgentMode()).isEqualTo(OneAgentMode.APPLICATION_MONITORING);
        assertThat(dk.useCsiDriver()).isTrue();
        assertThat(dk.hasActiveGate()).isTrue();
        assertThat(dk.activeGateCapabilities()).containsExactlyInAnyOrder("routing", "kubernetes-monitoring");
        assertThat(dk.problems()).isEmpty();
    }

    /** Issue 12 §5, found by the fuzzer: a namespaceSelector of the wrong shape threw out of the reader. */
    @Test
    void aNamespaceSelectorThatCannotBeReadIsAProblemAndSelectsEveryNamespace() {
        DynaKube dk = read("v1beta6", """
                apiUrl: https://abc12345.live.dynatrace.com/api
                oneAgent:
                  cloudNativeFullStack:
                    namespaceSelector: {matchLabels: ","}
                metadataEnrichment:
                  enabled: true
                  namespaceSelector: {matchExpressions: [{key: team, operator: Bogus}]}
                otlpExporterConfiguration:
                  namespaceSelector: "shop"
                  signals: {traces: {}}
                """);
        assertThat(dk.injectionNamespaceSelector()).isEqualTo(new io.fabric8.kubernetes.api.model.LabelSelector());
        assertThat(dk.enrichmentNamespaceSelector()).isEqualTo(new io.fabric8.kubernetes.api.model.LabelSelector());
        assertThat(dk.otlpNamespaceSelector()).isEqualTo(new io.fabric8.kubernetes.api.model.LabelSelector());
        assertThat(dk.problems()).hasSize(3).allSatisfy(p -> assertThat(p).contains("is not a label selector")
                .endsWith("read as selecting every namespace").doesNotContain("\n"));
        assertThat(dk.problems().get(0)).startsWith("spec.oneAgent.cloudNativeFullStack.namespaceSelector");
        assertThat(dk.problems().get(1)).startsWith("spec.metadataEnrichment.namespaceSelector").contains("Bogus");
        assertThat(dk.problems().get(2)).startsWith("spec.otlpExporterConfiguration.namespaceSelector");
    }

    @Test
    void v1beta1WithoutUseCsiDriverDoesNotUseTheCsiDriverAndDisabledSwitchesAddNoActiveGate() {
        DynaKube dk = read("v1beta1", """
                apiUrl: https://abc12345.live.dynatrace.com/api
                oneAgent:
                  applicationMonitoring: {}
                routing: {enabled: false}
                kubernetesMonitoring: {enabled: false}
                """);
        assertThat(dk.useCsiDriver()).isFalse();
        assertThat(dk.hasActiveGate()).isFalse();
    }

    @Test
    void v1beta1CapabilityAliasesAreUnderstood() {
        DynaKube dk = read("v1beta1", """
                apiUrl: https://abc12345.live.dynatrace.com/api
                activeGate:
                  capabilities: [MSGrouter, kubemon, restInterface, data-ingest]
                """);
        assertThat(dk.activeGateCapabilities()).containsExactlyInAnyOrder("routing", "kubernetes-monitoring",
                "dynatrace-api", "metrics-ingest");
        assertThat(dk.problems()).isEmpty();
    }

    @Test
    void useCsiDriverIsOnlyAV1beta1Field() {
        DynaKube dk = read("v1beta2", """
                apiUrl: https://abc12345.live.dynatrace.com/api
                oneAgent:
                  applicationMonitoring: {useCSIDriver: false}
                """);
        assertThat(dk.useCsiDriver()).isNull();
    }

    @Test
    void v1beta2ReadsNamespaceSelectorCodeModulesImageCapabilitiesAndProxy() {
        DynaKube dk = read("v1beta2", """
                apiUrl: https://tenant.example.com:9443/e/abc12345/api
                proxy: {value: http://proxy.corp.example:3128}
                oneAgent:
                  cloudNativeFullStack:
                    namespaceSelector: {matchLabels: {monitor: "yes"}}
                    codeModulesImage: registry.example.com/dynatrace/codemodules:1.321.0
                activeGate:
                  capabilities: [routing, dynatrace-api]
                """);
        assertThat(dk.apiUrl()).isEqualTo(new HostPort("tenant.example.com", 9443));
        assertThat(dk.proxy()).isEqualTo(new ProxySetting("http://proxy.corp.example:3128", null));
        assertThat(dk.oneAgentMode()).isEqualTo(OneAgentMode.CLOUD_NATIVE_FULL_STACK);
        assertThat(dk.injects()).isTrue();
        assertThat(dk.injectionNamespaceSelector().getMatchLabels()).isEqualTo(Map.of("monitor", "yes"));
        assertThat(dk.codeModulesImage()).isEqualTo("registry.example.com/dynatrace/codemodules:1.321.0");
        assertThat(dk.activeGateCapabilities()).containsExactlyInAnyOrder("routing", "dynatrace-api");
        assertThat(dk.extensionController()).isFalse();
        assertThat(dk.hasTelemetryIngest()).isFalse();
        assertThat(dk.problems()).isEmpty();
    }

    @Test
    void v1beta3EnablesExtensionsWithEnabledOnly() {
        assertThat(read("v1beta3", "apiUrl: https://t.example.com/api\nextensions: {enabled: true}\n").prometheus()).isTrue();
        assertThat(read("v1beta3", "apiUrl: https://t.example.com/api\nextensions: {enabled: false}\n").prometheus()).isFalse();
        assertThat(read("v1beta3", "apiUrl: https://t.example.com/api\nextensions: {}\n").prometheus()).isFalse();
        assertThat(read("v1beta3", "apiUrl: https://t.example.com/api\n").prometheus()).isFalse();
    }

    /** v1beta4/5 {@code extensions: {}} is converted to {@code extensions: {prometheus: {}}} (v1beta5/dynakube/convert_to.go). */
    @Test
    void inV1beta4AndV1beta5ExtensionsArePrometheusByPresence() {
        DynaKube dk = read("v1beta5", "apiUrl: https://t.example.com/api\nextensions: {}\n");
        assertThat(dk.prometheus()).isTrue();
        assertThat(dk.extensionController()).isTrue();
        assertThat(dk.otelCollector()).isTrue();
        assertThat(dk.hasActiveGate()).as("extensions bring their ActiveGate").isTrue();
        assertThat(read("v1beta4", "apiUrl: https://t.example.com/api\nextensions: {}\n").prometheus()).isTrue();
        assertThat(read("v1beta5", "apiUrl: https://t.example.com/api\n").prometheus()).isFalse();
    }

    /** operands_props.go Extensions(): IsAnyEnabled = prometheus || databases; an empty spec enables nothing. */
    @Test
    void inV1beta6AnEmptyExtensionsSpecEnablesNothing() {
        DynaKube dk = read("v1beta6", "apiUrl: https://t.example.com/api\nextensions: {}\n");
        assertThat(dk.prometheus()).isFalse();
        assertThat(dk.databases()).isEmpty();
        assertThat(dk.extensionController()).isFalse();
        assertThat(dk.otelCollector()).isFalse();
        assertThat(dk.hasActiveGate()).isFalse();
    }

    @Test
    void inV1beta6PrometheusDeploysTheControllerAndTheCollector() {
        DynaKube dk = read("v1beta6", "apiUrl: https://t.example.com/api\nextensions: {prometheus: {}}\n");
        assertThat(dk.prometheus()).isTrue();
        assertThat(dk.extensionController()).isTrue();
        assertThat(dk.otelCollector()).isTrue();
        assertThat(dk.hasActiveGate()).isTrue();
    }

    @Test
    void inV1beta6DatabasesDeploySqlExecutorsAndTheTemplateIsOnlyTheirImage() {
        DynaKube dk = read("v1beta6", """
                apiUrl: https://t.example.com/api
                extensions:
                  databases: [{id: orders}, {id: billing}]
                templates:
                  sqlExtensionExecutor: {imageRef: {repository: public.ecr.aws/dynatrace/dynatrace-sql-extension-executor}}
                """);
        assertThat(dk.databases()).containsExactly("orders", "billing");
        assertThat(dk.extensionController()).isTrue();
        assertThat(dk.hasActiveGate()).as("the extension controller needs an ActiveGate (activegate/props.go)").isTrue();
        assertThat(dk.otelCollector()).as("no Prometheus, no telemetry ingest").isFalse();
        DynaKube templateOnly = read("v1beta6", """
                apiUrl: https://t.example.com/api
                templates:
                  sqlExtensionExecutor: {imageRef: {repository: public.ecr.aws/dynatrace/dynatrace-sql-extension-executor}}
                """);
        assertThat(templateOnly.databases()).isEmpty();
        assertThat(templateOnly.extensionController()).isFalse();
        assertThat(templateOnly.hasActiveGate()).isFalse();
    }

    @Test
    void telemetryIngestDeploysTheCollectorButNoActiveGate() {
        DynaKube dk = read("v1beta6", "apiUrl: https://t.example.com/api\ntelemetryIngest: {protocols: [otlp]}\n");
        assertThat(dk.otelCollector()).isTrue();
        assertThat(dk.hasActiveGate()).isFalse();
    }

    @Test
    void logMonitoringIsStandaloneOnlyWithoutAOneAgentDaemonSet() {
        assertThat(read("v1beta6", "apiUrl: https://t.example.com/api\nlogMonitoring: {}\n").standaloneLogMonitoring())
                .isTrue();
        assertThat(read("v1beta6", """
                apiUrl: https://t.example.com/api
                logMonitoring: {}
                oneAgent: {cloudNativeFullStack: {}}
                """).standaloneLogMonitoring()).isFalse();
        assertThat(read("v1beta6", """
                apiUrl: https://t.example.com/api
                logMonitoring: {}
                oneAgent: {applicationMonitoring: {}}
                """).standaloneLogMonitoring()).isTrue();
    }

    @Test
    void readsMetadataEnrichmentAndTheOtlpExporterWithTheirNamespaceSelectors() {
        DynaKube dk = read("v1beta6", """
                apiUrl: https://t.example.com/api
                metadataEnrichment: {enabled: true, namespaceSelector: {matchLabels: {enrich: "yes"}}}
                otlpExporterConfiguration:
                  namespaceSelector: {matchLabels: {otlp: "yes"}}
                  signals: {traces: {}}
                """);
        assertThat(dk.enrichmentNamespaceSelector().getMatchLabels()).isEqualTo(Map.of("enrich", "yes"));
        assertThat(dk.otlpNamespaceSelector().getMatchLabels()).isEqualTo(Map.of("otlp", "yes"));
        DynaKube off = read("v1beta6", """
                apiUrl: https://t.example.com/api
                metadataEnrichment: {enabled: false}
                otlpExporterConfiguration: {signals: {}}
                """);
        assertThat(off.metadataEnrichment()).isFalse();
        assertThat(off.otlpExporter()).as("no signal, nothing injected").isFalse();
    }

    /** pkg/util/dtapiurl/dtapiurl.go ToSecondGen. */
    @Test
    void aThirdGenerationApiUrlIsContactedAtItsSecondGenerationHost() {
        assertThat(read("v1beta6", "apiUrl: https://abc12345.apps.dynatrace.com\n").apiUrl())
                .isEqualTo(new HostPort("abc12345.live.dynatrace.com", 443));
        assertThat(read("v1beta6", "apiUrl: https://abc12345.dev.apps.dynatracelabs.com:8443\n").apiUrl())
                .isEqualTo(new HostPort("abc12345.dev.dynatracelabs.com", 8443));
        assertThat(read("v1beta6", "apiUrl: https://abc12345.live.dynatrace.com/api\n").apiUrl())
                .isEqualTo(new HostPort("abc12345.live.dynatrace.com", 443));
    }

    @Test
    void readsTheFeatureFlagsThatMoveTraffic() {
        DynaKube dk = DynaKubeReader.read(resource("""
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata:
                  name: dk
                  namespace: dynatrace
                  annotations:
                    feature.dynatrace.com/no-proxy: "registry.example.com, .internal.example"
                    feature.dynatrace.com/ignored-namespaces: '["^legacy-.*"]'
                    feature.dynatrace.com/activegate-ignore-proxy: "true"
                spec: {apiUrl: https://t.example.com/api}
                """));
        assertThat(dk.featureFlags().bypassesProxy("registry.example.com")).isTrue();
        assertThat(dk.featureFlags().bypassesProxy("a.internal.example")).isTrue();
        assertThat(dk.featureFlags().bypassesProxy("t.example.com")).isFalse();
        assertThat(dk.featureFlags().ignoredNamespaces()).singleElement().asString().isEqualTo("^legacy-.*");
        assertThat(dk.featureFlags().activeGateIgnoresProxy()).isTrue();
        assertThat(dk.featureFlags().oneAgentIgnoresProxy()).isFalse();
    }

    @Test
    void anUnreadableIgnoredNamespacesListIsAProblemAndKeepsTheDefault() {
        DynaKube dk = DynaKubeReader.read(resource("""
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata:
                  name: dk
                  namespace: dynatrace
                  annotations: {feature.dynatrace.com/ignored-namespaces: "legacy-*"}
                spec: {apiUrl: https://t.example.com/api}
                """));
        assertThat(dk.featureFlags().ignoredNamespaces()).isNull();
        assertThat(dk.problems()).singleElement().asString().contains("feature.dynatrace.com/ignored-namespaces");
    }

    @Test
    void v1beta4ReadsHostMonitoringAsAHostAgentWithoutInjection() {
        DynaKube dk = read("v1beta4", """
                apiUrl: https://abc12345.live.dynatrace.com/api
                oneAgent:
                  hostMonitoring: {}
                """);
        assertThat(dk.oneAgentMode()).isEqualTo(OneAgentMode.HOST_MONITORING);
        assertThat(dk.oneAgentMode().hostAgent()).isTrue();
        assertThat(dk.injects()).isFalse();
        assertThat(dk.injectionNamespaceSelector()).isNull();
    }

    @Test
    void v1beta5ReadsKspmLogMonitoringAndTelemetryIngest() {
        DynaKube dk = read("v1beta5", """
                apiUrl: https://abc12345.live.dynatrace.com/api
                oneAgent:
                  classicFullStack: {}
                kspm: {}
                logMonitoring: {}
                telemetryIngest:
                  protocols: [jaeger, statsd]
                  serviceName: my-telemetry
                """);
        assertThat(dk.oneAgentMode()).isEqualTo(OneAgentMode.CLASSIC_FULL_STACK);
        assertThat(dk.injects()).isFalse();
        assertThat(dk.kspm()).isTrue();
        assertThat(dk.logMonitoring()).isTrue();
        assertThat(dk.telemetryProtocols()).containsExactly("jaeger", "statsd");
        assertThat(dk.telemetryServiceName()).isEqualTo("my-telemetry");
    }

    @Test
    void v1beta6DefaultsTelemetryProtocolsToAll() {
        DynaKube dk = read("v1beta6", """
                apiUrl: https://abc12345.live.dynatrace.com/api
                telemetryIngest: {}
                templates:
                  sqlExtensionExecutor:
                    imageRef: {repository: public.ecr.aws/dynatrace/dynatrace-sql-extension-executor}
                """);
        assertThat(dk.telemetryProtocols()).containsExactly("otlp", "zipkin", "jaeger", "statsd");
        assertThat(dk.telemetryServiceName()).isNull();
        assertThat(dk.kspm()).isFalse();
        assertThat(dk.logMonitoring()).isFalse();
    }

    @Test
    void proxyFromASecretIsRecordedAsUnreadable() {
        DynaKube dk = read("v1beta6", "apiUrl: https://t.example.com/api\nproxy: {valueFrom: dk-proxy}\n");
        assertThat(dk.proxy()).isEqualTo(new ProxySetting(null, "dk-proxy"));
        assertThat(dk.proxy().fromSecret()).isTrue();
    }

    @Test
    void aProxyGivenAsPlainTextAndAnEmptyProxyAreRead() {
        assertThat(read("v1beta1", "apiUrl: https://t.example.com/api\nproxy: http://proxy:8080\n").proxy())
                .isEqualTo(new ProxySetting("http://proxy:8080", null));
        assertThat(read("v1beta6", "apiUrl: https://t.example.com/api\nproxy: {value: \"\"}\n").proxy()).isNull();
    }

    @Test
    void aMalformedApiUrlIsAProblemNotACrash() {
        DynaKube dk = read("v1beta6", """
                apiUrl: abc12345.live.dynatrace.com/api
                activeGate: {capabilities: [routing]}
                """);
        assertThat(dk.apiUrl()).isNull();
        assertThat(dk.problems()).containsExactly(
                "spec.apiUrl 'abc12345.live.dynatrace.com/api' is not an http(s) URL with a host");
        assertThat(dk.activeGateCapabilities()).containsExactly("routing");
    }

    @Test
    void aMissingApiUrlIsAProblem() {
        DynaKube dk = read("v1beta6", "oneAgent: {hostMonitoring: {}}\n");
        assertThat(dk.apiUrl()).isNull();
        assertThat(dk.problems()).containsExactly("spec.apiUrl is empty");
    }

    @Test
    void anUnknownCapabilityIsAProblemAndTheKnownOnesStillCount() {
        DynaKube dk = read("v1beta6", """
                apiUrl: https://t.example.com/api
                activeGate: {capabilities: [kubernetes-monitoring, teleportation]}
                """);
        assertThat(dk.activeGateCapabilities()).containsExactly("kubernetes-monitoring");
        assertThat(dk.problems()).singleElement().asString().contains("unknown capability 'teleportation'");
    }

    @Test
    void anUnknownTelemetryProtocolIsAProblem() {
        DynaKube dk = read("v1beta6", "apiUrl: https://t.example.com/api\ntelemetryIngest: {protocols: [otlp, carrier-pigeon]}\n");
        assertThat(dk.telemetryProtocols()).containsExactly("otlp");
        assertThat(dk.problems()).singleElement().asString().contains("unknown protocol 'carrier-pigeon'");
    }

    @Test
    void twoOneAgentModesAreAProblemAndTheFirstIsUsed() {
        DynaKube dk = read("v1beta6", """
                apiUrl: https://t.example.com/api
                oneAgent:
                  classicFullStack: {}
                  cloudNativeFullStack: {}
                """);
        assertThat(dk.oneAgentMode()).isEqualTo(OneAgentMode.CLASSIC_FULL_STACK);
        assertThat(dk.problems()).singleElement().asString().contains("exactly one mode");
    }

    @Test
    void anActiveGateWithoutCapabilitiesIsNoActiveGate() {
        DynaKube dk = read("v1beta6", "apiUrl: https://t.example.com/api\nactiveGate: {}\n");
        assertThat(dk.hasActiveGate()).as("activegate/props.go IsEnabled: capabilities or extensions").isFalse();
        assertThat(dk.activeGateCapabilities()).isEmpty();
    }

    @Test
    void aDynaKubeWithoutNamespaceIsInDefault() {
        DynaKube dk = DynaKubeReader.read(resource("""
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata: {name: dk}
                spec: {apiUrl: https://t.example.com/api}
                """));
        assertThat(dk.id()).isEqualTo("default/dk");
    }
}
