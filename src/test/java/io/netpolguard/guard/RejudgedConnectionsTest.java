package io.netpolguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.FlowEnd;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Connections judged again after a change, some only by status: the flow's status, counts and the connections a
 * message names must be those of the list as if every verdict had been made, in the flow's order.
 */
class RejudgedConnectionsTest {
    private static final RequiredFlow FLOW = new RequiredFlow(FlowCatalogue.standard().flows().get(0), "",
            List.of(), null, List.of());

    @Test
    void aConnectionBlockedBeforeComesFirstWhenTheChangeBlocksALaterOne() {
        List<ConnectionResult> before = results(FlowStatus.BLOCKED, FlowStatus.ALLOWED, FlowStatus.ALLOWED);
        RejudgedConnections after = RejudgedConnections.after(before, RejudgedConnections.statuses(before),
                previous -> new ConnectionResult(previous.connection(), null, FlowStatus.BLOCKED));
        after.judgeLater(2, FlowStatus.BLOCKED);
        FlowResult result = FlowEvaluator.result(FLOW, after);

        assertThat(result.status()).isEqualTo(FlowStatus.BLOCKED);
        assertThat(result.countWithStatus(FlowStatus.BLOCKED)).isEqualTo(2);
        assertThat(result.firstNotAllowed()).isSameAs(before.get(0));
        assertThat(result.withStatus(FlowStatus.BLOCKED, 4)).extracting(c -> c.connection().key())
                .containsExactly(before.get(0).connection().key(), before.get(2).connection().key());
    }

    @Test
    void onlyTheChangedConnectionsAreLookedAtWhenNoneHadTheStatusBefore() {
        List<ConnectionResult> before = results(FlowStatus.ALLOWED, FlowStatus.ALLOWED, FlowStatus.ALLOWED,
                FlowStatus.ALLOWED);
        List<Integer> judged = new ArrayList<>();
        RejudgedConnections after = RejudgedConnections.after(before, RejudgedConnections.statuses(before), previous -> {
            judged.add(before.indexOf(previous));
            FlowStatus status = before.indexOf(previous) == 3 ? FlowStatus.BLOCKED : FlowStatus.UNVERIFIABLE;
            return new ConnectionResult(previous.connection(), null, status);
        });
        after.judgeLater(3, FlowStatus.BLOCKED);
        after.judgeLater(1, FlowStatus.UNVERIFIABLE);
        FlowResult result = FlowEvaluator.result(FLOW, after);

        assertThat(result.status()).isEqualTo(FlowStatus.BLOCKED);
        assertThat(result.firstNotAllowed().connection()).isSameAs(before.get(3).connection());
        assertThat(judged).as("verdicts made").containsExactly(3);
        assertThat(result.withStatus(FlowStatus.UNVERIFIABLE)).hasSize(1);
        assertThat(result.countWithStatus(FlowStatus.ALLOWED)).isEqualTo(2);
        after.judgeLater(3, FlowStatus.ALLOWED); // judged already: its verdict stands
        assertThat(result.connections().get(3).status()).isEqualTo(FlowStatus.BLOCKED);
    }

    @Test
    void theFirstConnectionsWithAStatusComeInTheFlowsOrderWhateverOrderTheyChangedIn() {
        FlowStatus[] allowed = new FlowStatus[40];
        java.util.Arrays.fill(allowed, FlowStatus.ALLOWED);
        List<ConnectionResult> before = results(allowed);
        RejudgedConnections after = RejudgedConnections.after(before, RejudgedConnections.statuses(before),
                previous -> new ConnectionResult(previous.connection(), null,
                        before.indexOf(previous) % 3 == 0 ? FlowStatus.BLOCKED : FlowStatus.ALLOWED));
        for (int i = before.size() - 1; i >= 0; i--) { // changed from the last to the first, some still allowed
            after.judgeLater(i, i % 3 == 0 ? FlowStatus.BLOCKED : FlowStatus.ALLOWED);
        }
        FlowResult result = FlowEvaluator.result(FLOW, after);

        assertThat(result.firstNotAllowed().connection()).isSameAs(before.get(0).connection());
        assertThat(result.withStatus(FlowStatus.BLOCKED, 4)).extracting(c -> before.indexOf(before.stream()
                .filter(b -> b.connection() == c.connection()).findFirst().orElseThrow())).containsExactly(0, 3, 6, 9);
        assertThat(result.withStatus(FlowStatus.BLOCKED, 20)).hasSize(14).first()
                .satisfies(c -> assertThat(c.connection()).isSameAs(before.get(0).connection()));
    }

    private static List<ConnectionResult> results(FlowStatus... statuses) {
        List<ConnectionResult> results = new ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            PodEndpoint app = PodEndpoint.pod("shop", "app-" + i, LabelSet.of(Map.of("app", "a" + i)), List.of(), List.of());
            PodEndpoint activeGate = PodEndpoint.pod("dynatrace", "activegate-0", LabelSet.EMPTY, List.of(), List.of());
            FlowConnection connection = new FlowConnection(new FlowEnd("monitored-apps", app, Map.of()),
                    new FlowEnd("activegate", activeGate, Map.of()), new Connection(app, activeGate, 9999, Protocol.TCP));
            results.add(new ConnectionResult(connection, null, statuses[i]));
        }
        return results;
    }
}
