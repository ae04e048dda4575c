package io.netpolguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.FlowDefinition;
import io.netpolguard.scenario.Scenario;
import io.netpolguard.scenario.Scenarios;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scenario under {@code src/test/resources/scenarios}: the AdmissionReview request runs through
 * the admission handler against the scenario's cluster, and the response must match scenario.yaml.
 */
class ScenarioTest {

    /** One test per scenario directory. (No test source URI: Surefire's -Dtest filter drops such tests.) */
    @TestFactory
    Stream<DynamicTest> scenarios() {
        return Scenarios.all().stream().map(scenario -> DynamicTest.dynamicTest(scenario.name(), scenario::verify));
    }

    /** Spec §3: for every flow, a change that blocks it and one that unblocks it. */
    @Test
    void everyFlowHasABlockingAndAnUnblockingScenario() {
        Map<String, Scenario> byName = Scenarios.all().stream()
                .collect(Collectors.toMap(Scenario::name, Function.identity()));
        List<FlowDefinition> flows = FlowCatalogue.standard().flows();
        assertThat(flows).hasSize(43);
        for (FlowDefinition flow : flows) {
            String slug = flow.id().replace("->", "-to-");
            Scenario blocked = byName.get(slug + "-blocked");
            Scenario unblocked = byName.get(slug + "-unblocked");
            assertThat(blocked).as("scenario %s-blocked", slug).isNotNull();
            assertThat(unblocked).as("scenario %s-unblocked", slug).isNotNull();
            assertThat(blocked.expectation().blockedFlows()).as(blocked.name()).containsExactly(flow.id());
            assertThat(blocked.expectation().decision()).as(blocked.name())
                    .isEqualTo(flow.severity().id().equals("critical") ? "deny" : "warn");
            assertThat(unblocked.expectation().allowed()).as(unblocked.name()).isTrue();
            assertThat(unblocked.expectation().warningsStartWith()).as(unblocked.name())
                    .contains(flow.id() + ": unblocked by this change");
        }
    }
}
