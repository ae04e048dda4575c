package io.netpolguard.dynatrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The catalogue is the spec's table (§3): its ids are a public contract. */
class FlowCatalogueTest {

    /** The ids of the spec's table, in its order: the public contract. Never rename one. */
    static final List<String> SPEC_FLOW_IDS = List.of(
            "operator->kube-dns",
            "operator->kube-apiserver",
            "operator->dynatrace-api",
            "webhook->kube-dns",
            "webhook->kube-apiserver",
            "control-plane->webhook",
            "csi-driver->kube-dns",
            "csi-driver->kube-apiserver",
            "csi-driver->dynatrace-api",
            "csi-driver->registry",
            "activegate->kube-dns",
            "activegate->dynatrace-api",
            "activegate->kube-apiserver",
            "monitored-apps->activegate",
            "monitored-apps->dynatrace-api",
            "oneagent->dynatrace-api",
            "edgeconnect->kube-dns",
            "edgeconnect->edgeconnect-api",
            "edgeconnect->sso",
            "edgeconnect->kube-apiserver",
            "extension-controller->activegate",
            "sql-executor->extension-controller",
            "monitored-apps->otel-collector",
            "otel-collector->activegate",
            "otel-collector->dynatrace-api",
            "kspm->activegate",
            "logmonitoring->dynatrace-api",
            "control-plane->netpol-guard");

    /** Flows added from the operator's source (docs/flows.md): new ids, public from now on too. */
    static final List<String> ADDED_FLOW_IDS = List.of(
            "oneagent->kube-dns",
            "oneagent->activegate",
            "operator->sso",
            "operator->edgeconnect-api",
            "operator->registry",
            "extension-controller->kube-dns",
            "extension-controller->kube-apiserver",
            "sql-executor->kube-dns",
            "otel-collector->kube-dns",
            "otel-collector->kube-apiserver",
            "otel-collector->extension-controller",
            "kspm->kube-dns",
            "logmonitoring->kube-dns",
            "logmonitoring->kubelet",
            "proxy->dynatrace-api");

    private final FlowCatalogue catalogue = FlowCatalogue.standard();

    @Test
    void everyPublishedFlowIsPresentExactlyOnceAndNothingElse() {
        assertThat(SPEC_FLOW_IDS).hasSize(28).doesNotHaveDuplicates();
        List<String> all = new ArrayList<>(SPEC_FLOW_IDS);
        all.addAll(ADDED_FLOW_IDS);
        assertThat(catalogue.flows()).extracting(FlowDefinition::id).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void severitiesAreTheSpecsDefaults() {
        Set<String> warnings = catalogue.flows().stream().filter(f -> f.severity() == Severity.WARNING)
                .map(FlowDefinition::id).collect(Collectors.toSet());
        assertThat(warnings).containsExactlyInAnyOrder("monitored-apps->activegate", "monitored-apps->dynatrace-api",
                "monitored-apps->otel-collector", "oneagent->activegate", "operator->registry");
    }

    @ParameterizedTest
    @CsvSource({
        "operator->kube-dns, OPERATOR", "control-plane->webhook, OPERATOR", "csi-driver->kube-apiserver, OPERATOR",
        "operator->dynatrace-api, DYNAKUBE", "csi-driver->registry, DYNAKUBE", "kspm->activegate, DYNAKUBE",
        "edgeconnect->sso, EDGECONNECT", "edgeconnect->kube-apiserver, EDGECONNECT",
        "control-plane->netpol-guard, ALWAYS"})
    void scopesFollowTheSpec(String id, FlowDefinition.Scope scope) {
        assertThat(catalogue.flow(id)).get().extracting(FlowDefinition::scope).isEqualTo(scope);
    }

    @Test
    void dnsFlowsNeedUdpAndTcp() {
        catalogue.flows().stream().filter(f -> f.to().equals("kube-dns"))
                .forEach(f -> assertThat(f.ports()).as(f.id()).containsExactlyInAnyOrder("UDP/53", "TCP/53"));
    }

    @Test
    void aFlowIdThatIsNotInTheCatalogueIsEmpty() {
        assertThat(catalogue.flow("operator->kubedns")).isEmpty();
    }

    @Test
    void requiredGivenCombinesAlternativesAndNegations() {
        FlowDefinition flow = catalogue.flow("monitored-apps->dynatrace-api").orElseThrow();
        assertThat(flow.requiredGiven(Set.of("injection"))).isTrue();
        assertThat(flow.requiredGiven(Set.of("injection", "capability:routing", "csi"))).isFalse();
        assertThat(flow.requiredGiven(Set.of("injection", "capability:routing"))).isTrue();
        assertThat(flow.requiredGiven(Set.of("injection", "capability:routing", "code-modules-image"))).isFalse();
        assertThat(flow.requiredGiven(Set.of("capability:routing"))).isFalse();
        assertThat(catalogue.flow("operator->kube-dns").orElseThrow().requiredGiven(Set.of())).isTrue();
    }

    private static FlowCatalogue parse(String yaml) throws Exception {
        return FlowCatalogue.parse(new YAMLMapper().readTree(yaml));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{id: a->kube-dns, from: operator, to: kube-dns, ports: [UDP/53], scope: operator, severity: critical} | must be named operator->kube-dns",
        "{id: operator->nowhere, from: operator, to: nowhere, ports: [TCP/1], scope: operator, severity: critical} | unknown end 'nowhere'",
        "{id: operator->kube-dns, from: operator, to: kube-dns, ports: [ICMP/1], scope: operator, severity: critical} | has port 'ICMP/1'",
        "{id: operator->kube-dns, from: operator, to: kube-dns, ports: [], scope: operator, severity: critical} | has no ports",
        "{id: operator->kube-dns, from: operator, to: kube-dns, ports: [UDP/53], scope: operator, when: [[csi, magic]], severity: critical} | unknown fact 'magic'",
        "{id: operator->kube-dns, from: operator, to: kube-dns, ports: [UDP/53], scope: operator, when: [[\"capability:teleport\"]], severity: critical} | unknown fact 'capability:teleport'",
        "{id: operator->kube-dns, from: operator, to: kube-dns, ports: [UDP/53], scope: cluster, severity: critical} | has scope 'cluster'",
        "{id: operator->kube-dns, from: operator, to: kube-dns, ports: [UDP/53], scope: operator, severity: fatal} | unknown severity 'fatal'",
    })
    void invalidEntriesAreRejectedNamingTheProblem(String flow, String problem) {
        assertThatThrownBy(() -> parse("flows: [" + flow + "]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flow '").hasMessageContaining(problem);
    }

    @Test
    void aFlowListedTwiceIsRejected() {
        String flow = "{id: operator->kube-dns, from: operator, to: kube-dns, ports: [UDP/53], scope: operator, severity: critical}";
        assertThatThrownBy(() -> parse("flows: [" + flow + ", " + flow + "]"))
                .hasMessage("flow 'operator->kube-dns' is listed twice");
    }

    @Test
    void aValidEntryParses() throws Exception {
        FlowCatalogue parsed = parse("""
                flows:
                  - {id: operator->kube-dns, from: operator, to: kube-dns, ports: [UDP/53, peer], scope: operator,
                     when: [[csi, "!code-modules-image"], ["capability:routing"]], severity: warning}
                """);
        FlowDefinition flow = parsed.flows().get(0);
        assertThat(flow.ports()).containsExactly("UDP/53", "peer");
        assertThat(flow.when()).containsExactly(Set.of("csi", "!code-modules-image"), Set.of("capability:routing"));
        assertThat(flow.severity()).isEqualTo(Severity.WARNING);
        assertThat(Map.of("scope", flow.scope())).containsEntry("scope", FlowDefinition.Scope.OPERATOR);
    }
}
