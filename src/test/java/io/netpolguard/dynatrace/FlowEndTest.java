package io.netpolguard.dynatrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowEndTest {
    private static final PodEndpoint SHOP_WEB = PodEndpoint.pod("shop", "web-1",
            LabelSet.of(Map.of("app", "web", "tier", "frontend")), List.of(), List.of());

    @Test
    void aPodsEndIsSelectedByItsLabelsAndEqualsOneGivenThemAsAMap() {
        FlowEnd end = FlowEnd.ofPod("monitored-apps", SHOP_WEB);
        FlowEnd given = new FlowEnd("monitored-apps", SHOP_WEB, Map.of("app", "web", "tier", "frontend"));

        assertThat(end.selector()).containsExactlyInAnyOrderEntriesOf(Map.of("app", "web", "tier", "frontend"));
        assertThat(end.selector().get("app")).isEqualTo("web");
        assertThat(end).isEqualTo(given).hasSameHashCodeAs(given);
        assertThat(given).isEqualTo(end);
        assertThat(end).isNotEqualTo(new FlowEnd("monitored-apps", SHOP_WEB, Map.of("app", "web")));
    }
}
