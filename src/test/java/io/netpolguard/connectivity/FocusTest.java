package io.netpolguard.connectivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpolguard.cluster.ClusterSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class FocusTest {
    private static final ClusterSnapshot SHOP = Fixtures.cluster(List.of(Fixtures.SHOP));

    private static List<String> focused(String focus) {
        return Fixtures.lines(Connectivity.of(SHOP, Grouping.workload, Focus.parse(focus), Progress.NONE));
    }

    @Test
    void aWorkloadFocusKeepsTheConnectionsFromAndToIt() {
        List<String> all = Fixtures.lines(Fixtures.map(SHOP, Grouping.workload));

        assertThat(focused("db/StatefulSet/db")).isNotEmpty()
                .allMatch(l -> l.startsWith("db/StatefulSet/db =>") || l.contains("=> db/StatefulSet/db :"))
                .containsExactlyElementsOf(all.stream().filter(l -> l.contains("db/StatefulSet/db")).toList());
    }

    @Test
    void aNamespaceFocusKeepsTheConnectionsOfEveryWorkloadInIt() {
        List<String> all = Fixtures.lines(Fixtures.map(SHOP, Grouping.workload));

        assertThat(focused("shop")).isNotEmpty()
                .containsExactlyElementsOf(all.stream().filter(l -> l.startsWith("shop/") || l.contains("=> shop/")).toList());
    }

    @Test
    void aFocusOnNothingThatExistsIsAnError() {
        assertThatThrownBy(() -> focused("shop/Deployment/nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--focus shop/Deployment/nope: no workload shop/Deployment/nope in the cluster manifests");
        assertThatThrownBy(() -> focused("nowhere")).hasMessageContaining("no workload in namespace nowhere");
        assertThatThrownBy(() -> Focus.parse("shop/web")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither a namespace nor namespace/Kind/name");
    }
}
